-- Each class keeps the number of students who joined it, maintained in the same
-- transaction as every join and removal, so that city, district and school figures sum
-- a few thousand class rows instead of counting a million students.
ALTER TABLE classes ADD COLUMN student_count INTEGER NOT NULL DEFAULT 0;
UPDATE classes SET student_count = (SELECT COUNT(*) FROM students st WHERE st.class_id = classes.id);
-- Covering: the figures of a school year read the index alone.
CREATE INDEX classes_school_year ON classes (school_year, school_id, archived, student_count);
-- The city's volunteer count reads this index alone.
CREATE INDEX users_role ON users (role, disabled);
