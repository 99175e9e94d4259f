-- The counters every hand-in adds to (attempts by school year, awareness by school) are
-- kept in 16 shards by student (issue 17). With one row per year, every hand-in of the
-- city waited for the one before it to commit, WAL flush included (376 hand-ins a second
-- on the benchmark machine); with one row per school, so did the 3,000 hand-ins of an
-- exam. A student's rows always go to shard student_id % 16, so no shard goes below zero;
-- every read sums the shards. The rows are redistributed after this file by the recount
-- (afterMigration 17). SQLite keeps shard 0 (its twin).
ALTER TABLE attempt_counts ADD COLUMN shard INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attempt_counts DROP CONSTRAINT attempt_counts_pkey;
ALTER TABLE attempt_counts ADD PRIMARY KEY (school_year, shard);
ALTER TABLE school_awareness ADD COLUMN shard INTEGER NOT NULL DEFAULT 0;
ALTER TABLE school_awareness DROP CONSTRAINT school_awareness_pkey;
ALTER TABLE school_awareness ADD PRIMARY KEY (school_year, school_id, shard);

DROP FUNCTION attempt_counts_add(INTEGER, INTEGER) CASCADE;
CREATE FUNCTION attempt_counts_add(y INTEGER, sid BIGINT, n INTEGER) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO attempt_counts (school_year, shard, submitted) VALUES (y, sid % 16, n)
    ON CONFLICT (school_year, shard) DO UPDATE SET submitted = attempt_counts.submitted + excluded.submitted;
END $$;

CREATE OR REPLACE FUNCTION quiz_attempts_aggregates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM aggregate_pause) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.submitted_at IS NOT NULL THEN
            PERFORM attempt_counts_add(NEW.school_year, NEW.student_id, 1);
            IF NEW.kind = 'knowledge' THEN
                PERFORM student_awareness_recount(NEW.school_year, NEW.student_id);
            END IF;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.submitted_at IS NOT NULL THEN
            PERFORM attempt_counts_add(OLD.school_year, OLD.student_id, -1);
            IF OLD.kind = 'knowledge' THEN
                PERFORM student_awareness_recount(OLD.school_year, OLD.student_id);
            END IF;
        END IF;
    ELSE
        IF (NEW.submitted_at IS NULL) <> (OLD.submitted_at IS NULL) THEN
            PERFORM attempt_counts_add(NEW.school_year, NEW.student_id, CASE WHEN NEW.submitted_at IS NULL THEN -1 ELSE 1 END);
        END IF;
        IF NEW.kind = 'knowledge' AND (NEW.submitted_at IS NOT NULL OR OLD.submitted_at IS NOT NULL) THEN
            PERFORM student_awareness_recount(NEW.school_year, NEW.student_id);
        END IF;
    END IF;
    RETURN NULL;
END $$;

DROP FUNCTION school_awareness_add(INTEGER, BIGINT, INTEGER, INTEGER, INTEGER, INTEGER) CASCADE;
CREATE FUNCTION school_awareness_add(y INTEGER, sc BIGINT, sid BIGINT, n INTEGER, a INTEGER, vs INTEGER, va INTEGER)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO school_awareness (school_year, school_id, shard, students, aware, verified_students, verified_aware)
    VALUES (y, sc, sid % 16, n, a, vs, va)
    ON CONFLICT (school_year, school_id, shard) DO UPDATE SET students = school_awareness.students + excluded.students,
        aware = school_awareness.aware + excluded.aware,
        verified_students = school_awareness.verified_students + excluded.verified_students,
        verified_aware = school_awareness.verified_aware + excluded.verified_aware;
    IF n < 0 THEN
        DELETE FROM school_awareness WHERE school_year = y AND school_id = sc AND shard = sid % 16 AND students = 0;
    END IF;
END $$;

CREATE OR REPLACE FUNCTION student_awareness_aggregates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM aggregate_pause) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.school_year = OLD.school_year AND NEW.school_id = OLD.school_id THEN
        PERFORM school_awareness_add(NEW.school_year, NEW.school_id, NEW.student_id, 0, NEW.aware - OLD.aware,
            (CASE WHEN NEW.verified_aware IS NULL THEN 0 ELSE 1 END) - (CASE WHEN OLD.verified_aware IS NULL THEN 0 ELSE 1 END),
            COALESCE(NEW.verified_aware, 0) - COALESCE(OLD.verified_aware, 0));
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM school_awareness_add(OLD.school_year, OLD.school_id, OLD.student_id, -1, -OLD.aware,
            -(CASE WHEN OLD.verified_aware IS NULL THEN 0 ELSE 1 END), -COALESCE(OLD.verified_aware, 0));
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM school_awareness_add(NEW.school_year, NEW.school_id, NEW.student_id, 1, NEW.aware,
            CASE WHEN NEW.verified_aware IS NULL THEN 0 ELSE 1 END, COALESCE(NEW.verified_aware, 0));
    END IF;
    RETURN NULL;
END $$;
