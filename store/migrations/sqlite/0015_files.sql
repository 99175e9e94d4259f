-- Uploaded files (activity photos, thumbnails, PDFs) kept in the database itself, for
-- deployments whose portal servers share no folder. The local folder stays the default
-- with SQLite; the name is the same random name the folder would use.
CREATE TABLE files (
    name       TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
) WITHOUT ROWID;
