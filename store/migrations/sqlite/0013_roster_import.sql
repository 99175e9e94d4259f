-- Students a school imported from its roster (issue 16) are on their class's list before
-- they join: imported = 1 until the student joins with the class code, name and number.
-- Only joined students count in classes.student_count (the registered students).
ALTER TABLE students ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;
