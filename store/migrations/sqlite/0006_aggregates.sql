-- Maintained aggregates of the city's figures. Triggers keep them in the same
-- transaction as the rows they count, whichever code path (or foreign-key cascade)
-- writes those rows, so the dashboards read a few thousand rows instead of recounting
-- hundreds of thousands of activities and millions of quiz attempts. Bulk loaders (the
-- seeds) pause the triggers with a row in aggregate_pause inside their own transaction
-- and recount afterwards (Store.RebuildAggregates).
-- A PostgreSQL backend needs these triggers written in PL/pgSQL; the rules are here.

CREATE TABLE aggregate_pause (paused INTEGER PRIMARY KEY);

-- Activity records by school, school year and type: what the ten-activity tables and
-- base_visits count.
CREATE TABLE activity_counts (
    school_year INTEGER NOT NULL,
    school_id   INTEGER NOT NULL,
    type        TEXT NOT NULL,
    records     INTEGER NOT NULL,
    students    INTEGER NOT NULL,
    PRIMARY KEY (school_year, school_id, type)
) WITHOUT ROWID;

CREATE TRIGGER activity_counts_insert AFTER INSERT ON activities
WHEN NOT EXISTS (SELECT 1 FROM aggregate_pause) BEGIN
    INSERT INTO activity_counts (school_year, school_id, type, records, students)
    VALUES (NEW.school_year, NEW.school_id, NEW.type, 1, NEW.students)
    ON CONFLICT (school_year, school_id, type) DO UPDATE
        SET records = records + 1, students = students + excluded.students;
END;

CREATE TRIGGER activity_counts_delete AFTER DELETE ON activities
WHEN NOT EXISTS (SELECT 1 FROM aggregate_pause) BEGIN
    UPDATE activity_counts SET records = records - 1, students = students - OLD.students
        WHERE school_year = OLD.school_year AND school_id = OLD.school_id AND type = OLD.type;
    DELETE FROM activity_counts WHERE school_year = OLD.school_year AND school_id = OLD.school_id
        AND type = OLD.type AND records = 0;
END;

CREATE TRIGGER activity_counts_update AFTER UPDATE OF school_year, school_id, type, students ON activities
WHEN NOT EXISTS (SELECT 1 FROM aggregate_pause) BEGIN
    UPDATE activity_counts SET records = records - 1, students = students - OLD.students
        WHERE school_year = OLD.school_year AND school_id = OLD.school_id AND type = OLD.type;
    DELETE FROM activity_counts WHERE school_year = OLD.school_year AND school_id = OLD.school_id
        AND type = OLD.type AND records = 0;
    INSERT INTO activity_counts (school_year, school_id, type, records, students)
    VALUES (NEW.school_year, NEW.school_id, NEW.type, 1, NEW.students)
    ON CONFLICT (school_year, school_id, type) DO UPDATE
        SET records = records + 1, students = students + excluded.students;
END;

-- Submitted quiz attempts (every kind) by school year: quiz_attempts of the stats.
CREATE TABLE attempt_counts (
    school_year INTEGER PRIMARY KEY,
    submitted   INTEGER NOT NULL
);

-- Each student's awareness in a school year: whether their latest submitted knowledge
-- test scored at least 80 %, over all their attempts and over unflagged ones only
-- (NULL: none). Rows exist only for students with a submitted knowledge test.
CREATE TABLE student_awareness (
    school_year    INTEGER NOT NULL,
    student_id     INTEGER NOT NULL,
    school_id      INTEGER NOT NULL,
    class_id       INTEGER NOT NULL,
    aware          INTEGER NOT NULL,
    verified_aware INTEGER,
    PRIMARY KEY (school_year, student_id)
) WITHOUT ROWID;
CREATE INDEX student_awareness_school ON student_awareness (school_year, school_id, class_id, aware, verified_aware);

-- The same by school: the city and school awareness figures sum these rows.
CREATE TABLE school_awareness (
    school_year       INTEGER NOT NULL,
    school_id         INTEGER NOT NULL,
    students          INTEGER NOT NULL,
    aware             INTEGER NOT NULL,
    verified_students INTEGER NOT NULL,
    verified_aware    INTEGER NOT NULL,
    PRIMARY KEY (school_year, school_id)
) WITHOUT ROWID;

CREATE TRIGGER school_awareness_insert AFTER INSERT ON student_awareness
WHEN NOT EXISTS (SELECT 1 FROM aggregate_pause) BEGIN
    INSERT INTO school_awareness (school_year, school_id, students, aware, verified_students, verified_aware)
    VALUES (NEW.school_year, NEW.school_id, 1, NEW.aware, NEW.verified_aware IS NOT NULL, COALESCE(NEW.verified_aware, 0))
    ON CONFLICT (school_year, school_id) DO UPDATE SET students = students + 1, aware = aware + excluded.aware,
        verified_students = verified_students + excluded.verified_students,
        verified_aware = verified_aware + excluded.verified_aware;
END;

CREATE TRIGGER school_awareness_delete AFTER DELETE ON student_awareness
WHEN NOT EXISTS (SELECT 1 FROM aggregate_pause) BEGIN
    UPDATE school_awareness SET students = students - 1, aware = aware - OLD.aware,
        verified_students = verified_students - (OLD.verified_aware IS NOT NULL),
        verified_aware = verified_aware - COALESCE(OLD.verified_aware, 0)
        WHERE school_year = OLD.school_year AND school_id = OLD.school_id;
    DELETE FROM school_awareness WHERE school_year = OLD.school_year AND school_id = OLD.school_id AND students = 0;
END;

-- A student's attempts of a school year by kind, newest last: the triggers below find a
-- student's latest knowledge test through it (the index by start time it replaces left
-- SQLite to prefer scanning the whole school year's tests).
DROP INDEX quiz_attempts_student;
CREATE INDEX quiz_attempts_student ON quiz_attempts (student_id, school_year, kind, submitted_at);

-- A student's row is worked out again from their attempts whenever one of their
-- knowledge-test attempts is submitted, rescored, flagged or deleted.
CREATE TRIGGER student_awareness_insert AFTER INSERT ON quiz_attempts
WHEN NEW.submitted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM aggregate_pause) BEGIN
    INSERT INTO attempt_counts (school_year, submitted) VALUES (NEW.school_year, 1)
    ON CONFLICT (school_year) DO UPDATE SET submitted = submitted + 1;
    DELETE FROM student_awareness WHERE NEW.kind = 'knowledge' AND school_year = NEW.school_year AND student_id = NEW.student_id;
    INSERT INTO student_awareness (school_year, student_id, school_id, class_id, aware, verified_aware)
    SELECT t.school_year, t.student_id, t.school_id, t.class_id, t.score * 5 >= t.max_score * 4,
        (SELECT v.score * 5 >= v.max_score * 4 FROM quiz_attempts v WHERE v.student_id = t.student_id
            AND v.school_year = t.school_year AND v.kind = 'knowledge' AND v.submitted_at IS NOT NULL AND v.flags = 0
            ORDER BY v.submitted_at DESC, v.id DESC LIMIT 1)
    FROM quiz_attempts t WHERE NEW.kind = 'knowledge' AND t.student_id = NEW.student_id AND t.school_year = NEW.school_year
        AND t.kind = 'knowledge' AND t.submitted_at IS NOT NULL
    ORDER BY t.submitted_at DESC, t.id DESC LIMIT 1;
END;

CREATE TRIGGER student_awareness_update AFTER UPDATE OF submitted_at, score, max_score, flags ON quiz_attempts
WHEN NOT EXISTS (SELECT 1 FROM aggregate_pause) BEGIN
    INSERT INTO attempt_counts (school_year, submitted)
    SELECT NEW.school_year, (NEW.submitted_at IS NOT NULL) - (OLD.submitted_at IS NOT NULL)
    WHERE (NEW.submitted_at IS NOT NULL) <> (OLD.submitted_at IS NOT NULL)
    ON CONFLICT (school_year) DO UPDATE SET submitted = submitted + excluded.submitted;
    DELETE FROM student_awareness WHERE NEW.kind = 'knowledge' AND school_year = NEW.school_year AND student_id = NEW.student_id;
    INSERT INTO student_awareness (school_year, student_id, school_id, class_id, aware, verified_aware)
    SELECT t.school_year, t.student_id, t.school_id, t.class_id, t.score * 5 >= t.max_score * 4,
        (SELECT v.score * 5 >= v.max_score * 4 FROM quiz_attempts v WHERE v.student_id = t.student_id
            AND v.school_year = t.school_year AND v.kind = 'knowledge' AND v.submitted_at IS NOT NULL AND v.flags = 0
            ORDER BY v.submitted_at DESC, v.id DESC LIMIT 1)
    FROM quiz_attempts t WHERE NEW.kind = 'knowledge' AND t.student_id = NEW.student_id AND t.school_year = NEW.school_year
        AND t.kind = 'knowledge' AND t.submitted_at IS NOT NULL
    ORDER BY t.submitted_at DESC, t.id DESC LIMIT 1;
END;

CREATE TRIGGER student_awareness_delete AFTER DELETE ON quiz_attempts
WHEN OLD.submitted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM aggregate_pause) BEGIN
    UPDATE attempt_counts SET submitted = submitted - 1 WHERE school_year = OLD.school_year;
    DELETE FROM student_awareness WHERE OLD.kind = 'knowledge' AND school_year = OLD.school_year AND student_id = OLD.student_id;
    INSERT INTO student_awareness (school_year, student_id, school_id, class_id, aware, verified_aware)
    SELECT t.school_year, t.student_id, t.school_id, t.class_id, t.score * 5 >= t.max_score * 4,
        (SELECT v.score * 5 >= v.max_score * 4 FROM quiz_attempts v WHERE v.student_id = t.student_id
            AND v.school_year = t.school_year AND v.kind = 'knowledge' AND v.submitted_at IS NOT NULL AND v.flags = 0
            ORDER BY v.submitted_at DESC, v.id DESC LIMIT 1)
    FROM quiz_attempts t WHERE OLD.kind = 'knowledge' AND t.student_id = OLD.student_id AND t.school_year = OLD.school_year
        AND t.kind = 'knowledge' AND t.submitted_at IS NOT NULL
    ORDER BY t.submitted_at DESC, t.id DESC LIMIT 1;
END;

-- The figures of the data already there are counted by Store.RebuildAggregates, which
-- runs after this migration.
