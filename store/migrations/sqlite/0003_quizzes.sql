-- Quizzes, their assignments to classes (or city-wide to a band), attempts and answers.
-- Questions live in the embedded bank (content/quizzes); rows refer to them by ID.

CREATE TABLE quizzes (
    id         INTEGER PRIMARY KEY,
    school_id  INTEGER REFERENCES schools(id), -- NULL: a city-wide quiz of the city office
    title      TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('practice', 'knowledge', 'pre', 'post')),
    band       TEXT NOT NULL CHECK (band IN ('primary', 'junior', 'senior')),
    tags       TEXT NOT NULL DEFAULT '',       -- comma-separated bank tags; empty: the whole band
    questions  INTEGER NOT NULL CHECK (questions BETWEEN 1 AND 30),
    time_limit INTEGER NOT NULL CHECK (time_limit BETWEEN 1 AND 120), -- minutes
    pass_mark  INTEGER NOT NULL CHECK (pass_mark BETWEEN 1 AND 100),  -- percent
    pair_id    INTEGER REFERENCES quizzes(id), -- a post-test's pre-test
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX quizzes_school ON quizzes (school_id);

CREATE TABLE quiz_assignments (
    id          INTEGER PRIMARY KEY,
    quiz_id     INTEGER NOT NULL REFERENCES quizzes(id),
    class_id    INTEGER REFERENCES classes(id) ON DELETE CASCADE, -- NULL: city-wide
    band        TEXT NOT NULL,     -- the quiz's band; city-wide tests reach every class of it
    school_year INTEGER NOT NULL,
    opens_at    TIMESTAMP NOT NULL,
    closes_at   TIMESTAMP NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    CHECK (closes_at > opens_at)
);
CREATE UNIQUE INDEX quiz_assignments_once ON quiz_assignments (quiz_id, class_id);
CREATE INDEX quiz_assignments_class ON quiz_assignments (class_id);
CREATE INDEX quiz_assignments_city ON quiz_assignments (school_year, band) WHERE class_id IS NULL;

-- An attempt keeps its drawn questions and option order (items, JSON), the server's start
-- time and deadline, and, once submitted, its score and flags. kind, class, school and
-- school year are copied from the quiz and the student so that results and the awareness
-- rate read one indexed table.
CREATE TABLE quiz_attempts (
    id            INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES quiz_assignments(id) ON DELETE CASCADE,
    quiz_id       INTEGER NOT NULL REFERENCES quizzes(id),
    kind          TEXT NOT NULL,
    student_id    INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    class_id      INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    school_id     INTEGER NOT NULL REFERENCES schools(id),
    school_year   INTEGER NOT NULL,
    items         TEXT NOT NULL,
    started_at    TIMESTAMP NOT NULL,
    deadline      TIMESTAMP NOT NULL,
    submitted_at  TIMESTAMP,
    score         INTEGER,
    max_score     INTEGER NOT NULL,
    flags         INTEGER NOT NULL DEFAULT 0,
    device        TEXT NOT NULL DEFAULT '',
    ip            TEXT NOT NULL DEFAULT '',
    sheet         TEXT NOT NULL DEFAULT ''  -- SheetKey of the submitted answers
);
-- One open attempt per student and assignment; one attempt at all unless practice.
CREATE UNIQUE INDEX quiz_attempts_open ON quiz_attempts (assignment_id, student_id) WHERE submitted_at IS NULL;
CREATE UNIQUE INDEX quiz_attempts_once ON quiz_attempts (assignment_id, student_id) WHERE kind <> 'practice';
CREATE INDEX quiz_attempts_student ON quiz_attempts (student_id, started_at);
CREATE INDEX quiz_attempts_class ON quiz_attempts (class_id, assignment_id);
CREATE INDEX quiz_attempts_year ON quiz_attempts (school_year, kind, school_id, student_id, submitted_at);
CREATE INDEX quiz_attempts_device ON quiz_attempts (device, started_at) WHERE device <> '';
CREATE INDEX quiz_attempts_sheet ON quiz_attempts (assignment_id, class_id, sheet) WHERE sheet <> '';

-- Answers as saved; correct is set when the attempt is submitted (item analysis).
CREATE TABLE quiz_answers (
    attempt_id  INTEGER NOT NULL REFERENCES quiz_attempts(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    choice      TEXT NOT NULL, -- original option indices, "0,2"; "" unanswered
    correct     INTEGER,
    PRIMARY KEY (attempt_id, question_id)
) WITHOUT ROWID;
