-- Sessions kept in the order of their token's hash (WITHOUT ROWID): a session is read
-- on every request, and this finds it in one b-tree instead of the primary key's index
-- and then the table.
CREATE TABLE sessions_by_token (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
    student_id INTEGER REFERENCES students(id) ON DELETE CASCADE,
    data       TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    last_seen  TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
) WITHOUT ROWID;
INSERT INTO sessions_by_token (token_hash, user_id, student_id, data, created_at, last_seen, expires_at)
    SELECT token_hash, user_id, student_id, data, created_at, last_seen, expires_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_by_token RENAME TO sessions;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_student ON sessions (student_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
