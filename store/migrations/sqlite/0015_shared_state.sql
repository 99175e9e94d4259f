-- State that every portal server must share. Uploaded files (activity photos, thumbnails, PDFs) kept in the database itself, for
-- deployments whose portal servers share no folder. The local folder stays the default
-- with SQLite; the name is the same random name the folder would use.
CREATE TABLE files (
    name       TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
) WITHOUT ROWID;

-- Failed password tries per account and client address together (handlers' login guard),
-- kept here so that every portal server counts the same tries.
CREATE TABLE login_guesses (
    key      TEXT PRIMARY KEY,
    n        INTEGER NOT NULL,
    first_at TIMESTAMP NOT NULL,
    last_at  TIMESTAMP NOT NULL
) WITHOUT ROWID;
