-- Every submission counts the students who started an attempt on the same device within
-- ten minutes (the shared-device flag). With student_id in the index, SQLite answers that
-- from the index alone instead of reading each attempt's row.
DROP INDEX quiz_attempts_device;
CREATE INDEX quiz_attempts_device ON quiz_attempts (device, started_at, student_id) WHERE device <> '';
