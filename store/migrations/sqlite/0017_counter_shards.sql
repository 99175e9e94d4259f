-- The counters every hand-in adds to (attempts by school year, awareness by school) get a
-- shard column (issue 17). On PostgreSQL each student's rows go to one of 16 shards, so
-- that hand-ins of one school or one year do not queue for one row lock and its commit
-- (see the PostgreSQL twin); every read sums a school's or a year's shards. SQLite has
-- one writer and nothing to queue for: its rows all stay in shard 0 and its triggers are
-- unchanged.
ALTER TABLE attempt_counts ADD COLUMN shard INTEGER NOT NULL DEFAULT 0 CHECK (shard = 0);
ALTER TABLE school_awareness ADD COLUMN shard INTEGER NOT NULL DEFAULT 0 CHECK (shard = 0);
