-- A knowledge test handed in now is, as a rule, the student's latest: its own score and
-- flags give their awareness row, without reading the attempt back and looking for the
-- latest one (0008's upsert, kept for every other change). "Latest" is by submission
-- time, then ID, as before; the probe for a later one reads quiz_attempts_student alone.
DROP TRIGGER student_awareness_update;

CREATE TRIGGER student_awareness_hand_in AFTER UPDATE OF submitted_at, score, max_score, flags ON quiz_attempts
WHEN NEW.submitted_at IS NOT NULL AND OLD.submitted_at IS NULL AND NEW.kind = 'knowledge'
    AND NOT EXISTS (SELECT 1 FROM aggregate_pause)
    AND NOT EXISTS (SELECT 1 FROM quiz_attempts l WHERE l.student_id = NEW.student_id AND l.school_year = NEW.school_year
        AND l.kind = 'knowledge' AND l.submitted_at >= NEW.submitted_at AND l.id <> NEW.id
        AND (l.submitted_at > NEW.submitted_at OR l.id > NEW.id)) BEGIN
    INSERT INTO attempt_counts (school_year, submitted) VALUES (NEW.school_year, 1)
    ON CONFLICT (school_year) DO UPDATE SET submitted = submitted + 1;
    INSERT INTO student_awareness (school_year, student_id, school_id, class_id, aware, verified_aware)
    VALUES (NEW.school_year, NEW.student_id, NEW.school_id, NEW.class_id, NEW.score * 5 >= NEW.max_score * 4,
        CASE WHEN NEW.flags = 0 THEN NEW.score * 5 >= NEW.max_score * 4 ELSE
            (SELECT v.score * 5 >= v.max_score * 4 FROM quiz_attempts v WHERE v.student_id = NEW.student_id
                AND v.school_year = NEW.school_year AND v.kind = 'knowledge' AND v.submitted_at IS NOT NULL AND v.flags = 0
                ORDER BY v.submitted_at DESC, v.id DESC LIMIT 1) END)
    ON CONFLICT (school_year, student_id) DO UPDATE SET school_id = excluded.school_id, class_id = excluded.class_id,
        aware = excluded.aware, verified_aware = excluded.verified_aware
        WHERE school_id <> excluded.school_id OR class_id <> excluded.class_id OR aware <> excluded.aware
            OR verified_aware IS NOT excluded.verified_aware;
END;

-- Everything else that leaves the attempt submitted (rescored, flagged, another kind, or
-- handed in before a later one): 0008's upsert from the student's latest test.
CREATE TRIGGER student_awareness_update AFTER UPDATE OF submitted_at, score, max_score, flags ON quiz_attempts
WHEN NEW.submitted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM aggregate_pause)
    AND (OLD.submitted_at IS NOT NULL OR NEW.kind <> 'knowledge'
        OR EXISTS (SELECT 1 FROM quiz_attempts l WHERE l.student_id = NEW.student_id AND l.school_year = NEW.school_year
            AND l.kind = 'knowledge' AND l.submitted_at >= NEW.submitted_at AND l.id <> NEW.id
            AND (l.submitted_at > NEW.submitted_at OR l.id > NEW.id))) BEGIN
    INSERT INTO attempt_counts (school_year, submitted)
    SELECT NEW.school_year, 1 WHERE OLD.submitted_at IS NULL
    ON CONFLICT (school_year) DO UPDATE SET submitted = submitted + 1;
    INSERT INTO student_awareness (school_year, student_id, school_id, class_id, aware, verified_aware)
    SELECT t.school_year, t.student_id, t.school_id, t.class_id, t.score * 5 >= t.max_score * 4,
        (SELECT v.score * 5 >= v.max_score * 4 FROM quiz_attempts v WHERE v.student_id = t.student_id
            AND v.school_year = t.school_year AND v.kind = 'knowledge' AND v.submitted_at IS NOT NULL AND v.flags = 0
            ORDER BY v.submitted_at DESC, v.id DESC LIMIT 1)
    FROM quiz_attempts t WHERE NEW.kind = 'knowledge' AND t.student_id = NEW.student_id AND t.school_year = NEW.school_year
        AND t.kind = 'knowledge' AND t.submitted_at IS NOT NULL
    ORDER BY t.submitted_at DESC, t.id DESC LIMIT 1
    ON CONFLICT (school_year, student_id) DO UPDATE SET school_id = excluded.school_id, class_id = excluded.class_id,
        aware = excluded.aware, verified_aware = excluded.verified_aware
        WHERE school_id <> excluded.school_id OR class_id <> excluded.class_id OR aware <> excluded.aware
            OR verified_aware IS NOT excluded.verified_aware;
END;
