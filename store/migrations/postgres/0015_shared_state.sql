-- Uploaded files kept in the database, so that every portal server serves what any of
-- them received (see the SQLite twin).
CREATE TABLE files (
    name       TEXT PRIMARY KEY,
    data       BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Failed password tries per account and client address (see the SQLite twin).
CREATE TABLE login_guesses (
    key      TEXT PRIMARY KEY,
    n        INTEGER NOT NULL,
    first_at TIMESTAMPTZ NOT NULL,
    last_at  TIMESTAMPTZ NOT NULL
);
