-- Demonstration-school creation (示范创建): versioned standards per level with their
-- indicators, rounds opened by the city, schools' applications with their answers (the
-- computed values frozen at submission), documents and the timeline of every step.
-- Designations get a start date and a validity, the application that granted them, a
-- notice (限期整改) and the reason of a revocation. Calendar dates are TEXT 'YYYY-MM-DD'
-- in China Standard Time.

CREATE TABLE demo_standards (
    id             INTEGER PRIMARY KEY,
    level          TEXT NOT NULL CHECK (level IN ('national', 'provincial', 'city')),
    version        INTEGER NOT NULL,
    title          TEXT NOT NULL,
    pass_mark      REAL NOT NULL,
    validity_years INTEGER NOT NULL DEFAULT 3,
    created_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (level, version)
);

CREATE TABLE demo_indicators (
    id          INTEGER PRIMARY KEY,
    standard_id INTEGER NOT NULL REFERENCES demo_standards(id),
    position    INTEGER NOT NULL,
    area        TEXT NOT NULL,
    name        TEXT NOT NULL,
    guidance    TEXT NOT NULL DEFAULT '',
    max_score   REAL NOT NULL CHECK (max_score > 0),
    evidence    TEXT NOT NULL CHECK (evidence IN ('computed', 'document', 'inspection')),
    metric      TEXT NOT NULL DEFAULT '',
    target      REAL NOT NULL DEFAULT 0
);
CREATE INDEX demo_indicators_standard ON demo_indicators (standard_id, position);

CREATE TABLE demo_rounds (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    opens_on   TEXT NOT NULL,
    closes_on  TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE demo_applications (
    id           INTEGER PRIMARY KEY,
    round_id     INTEGER NOT NULL REFERENCES demo_rounds(id),
    school_id    INTEGER NOT NULL REFERENCES schools(id),
    level        TEXT NOT NULL CHECK (level IN ('national', 'provincial', 'city')),
    standard_id  INTEGER NOT NULL REFERENCES demo_standards(id),
    status       TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'recommended', 'designated', 'declined')),
    version      INTEGER NOT NULL DEFAULT 1,
    school_year  INTEGER NOT NULL,
    submitted_at TIMESTAMP,
    decided_at   TIMESTAMP,
    reason       TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (round_id, school_id, level)
);
CREATE INDEX demo_applications_school ON demo_applications (school_id, id);
CREATE INDEX demo_applications_status ON demo_applications (status, round_id);

-- computed is NULL when the records give no value (too few students, no data); detail
-- says what was counted. Both are frozen when the application is submitted.
CREATE TABLE demo_answers (
    application_id INTEGER NOT NULL REFERENCES demo_applications(id),
    indicator_id   INTEGER NOT NULL REFERENCES demo_indicators(id),
    computed       REAL,
    detail         TEXT NOT NULL DEFAULT '',
    self_score     REAL,
    city_score     REAL,
    note           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, indicator_id)
);

CREATE TABLE demo_documents (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES demo_applications(id),
    indicator_id   INTEGER NOT NULL REFERENCES demo_indicators(id),
    kind           TEXT NOT NULL CHECK (kind IN ('photo', 'pdf')),
    name           TEXT NOT NULL,
    original       TEXT NOT NULL DEFAULT '',
    size           INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX demo_documents_application ON demo_documents (application_id, indicator_id);

CREATE TABLE demo_events (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES demo_applications(id),
    at             TIMESTAMP NOT NULL,
    actor_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX demo_events_application ON demo_events (application_id, id);

ALTER TABLE demonstrations ADD COLUMN since TEXT NOT NULL DEFAULT '';
ALTER TABLE demonstrations ADD COLUMN valid_until TEXT NOT NULL DEFAULT '';
ALTER TABLE demonstrations ADD COLUMN application_id INTEGER REFERENCES demo_applications(id);
ALTER TABLE demonstrations ADD COLUMN notice TEXT NOT NULL DEFAULT '';
ALTER TABLE demonstrations ADD COLUMN reason TEXT NOT NULL DEFAULT '';
-- Designations typed in before the cycle: from 1 September of their year, for three years.
UPDATE demonstrations SET since = CAST(year AS TEXT) || '-09-01', valid_until = CAST(year + 3 AS TEXT) || '-08-31';
CREATE INDEX demonstrations_valid ON demonstrations (status, valid_until);

-- The assessment's (考评) parts as the city configured them; none: the defaults
-- (portal.AssessmentParts).
CREATE TABLE assessment_parts (
    metric   TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    weight   REAL NOT NULL CHECK (weight >= 0),
    target   REAL NOT NULL CHECK (target > 0)
);
