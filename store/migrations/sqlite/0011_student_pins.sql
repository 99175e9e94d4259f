-- Students prove who they are (issue 19). A PIN the student sets at the first join
-- (bcrypt, '' until set or after a teacher's reset) and a personal sign-in code printed
-- on a slip by the teacher (SHA-256 of it, '' until printed).
ALTER TABLE students ADD COLUMN pin_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE students ADD COLUMN code_hash TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX students_code ON students (code_hash) WHERE code_hash <> '';

-- Wrong PINs counted per student ('s:ID') and per class ('c:ID') since the start of the
-- scope's current window; in the database, so that the count holds across servers.
CREATE TABLE pin_failures (
    scope    TEXT PRIMARY KEY,
    since    TIMESTAMP NOT NULL,
    failures INTEGER NOT NULL
);

-- When a student sees the right answers and explanations of an assignment: at once
-- ('immediately'), once it has closed ('closed', the default for tests), or 'never'.
-- The score is always shown. Practice assigned before this keeps its instant feedback.
ALTER TABLE quiz_assignments ADD COLUMN review TEXT NOT NULL DEFAULT 'closed'
    CHECK (review IN ('immediately', 'closed', 'never'));
UPDATE quiz_assignments SET review = 'immediately'
    WHERE quiz_id IN (SELECT id FROM quizzes WHERE kind = 'practice');
