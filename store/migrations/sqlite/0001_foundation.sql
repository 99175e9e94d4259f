-- Districts, schools, demonstration designations, associations, accounts, classes,
-- students, sessions and the audit log. Times are UTC TIMESTAMPs; calendar dates are
-- TEXT 'YYYY-MM-DD' in China Standard Time.

CREATE TABLE districts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    code       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE schools (
    id             INTEGER PRIMARY KEY,
    district_id    INTEGER NOT NULL REFERENCES districts(id),
    name           TEXT NOT NULL UNIQUE,
    stage          TEXT NOT NULL CHECK (stage IN ('primary', 'junior', 'senior', 'nine-year', 'vocational')),
    enrolment      INTEGER NOT NULL CHECK (enrolment >= 0),
    has_graduating INTEGER NOT NULL DEFAULT 1,
    address        TEXT NOT NULL DEFAULT '',
    contact_name   TEXT NOT NULL DEFAULT '',
    contact_phone  TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX schools_district ON schools (district_id, active);

CREATE TABLE demonstrations (
    id         INTEGER PRIMARY KEY,
    school_id  INTEGER NOT NULL REFERENCES schools(id),
    level      TEXT NOT NULL CHECK (level IN ('national', 'provincial', 'city')),
    year       INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX demonstrations_one_active ON demonstrations (school_id) WHERE status = 'active';

CREATE TABLE associations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    district_id INTEGER REFERENCES districts(id),
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'district', 'teacher', 'coordinator', 'volunteer')),
    district_id          INTEGER REFERENCES districts(id),
    school_id            INTEGER REFERENCES schools(id),
    association_id       INTEGER REFERENCES associations(id),
    disabled             INTEGER NOT NULL DEFAULT 0,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    demo                 INTEGER NOT NULL DEFAULT 0,
    created_at           TIMESTAMP NOT NULL,
    last_login_at        TIMESTAMP,
    password_changed_at  TIMESTAMP NOT NULL
);
CREATE INDEX users_school ON users (school_id);
CREATE INDEX users_association ON users (association_id);

CREATE TABLE classes (
    id              INTEGER PRIMARY KEY,
    school_id       INTEGER NOT NULL REFERENCES schools(id),
    school_year     INTEGER NOT NULL,
    grade           INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
    name            TEXT NOT NULL,
    join_code       TEXT NOT NULL UNIQUE,
    archived        INTEGER NOT NULL DEFAULT 0,
    consent_date    TEXT,
    consent_version TEXT,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (school_id, school_year, name)
);

CREATE TABLE students (
    id         INTEGER PRIMARY KEY,
    class_id   INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    number     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (class_id, number)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
    student_id INTEGER REFERENCES students(id) ON DELETE CASCADE,
    data       TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    last_seen  TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_student ON sessions (student_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TIMESTAMP NOT NULL,
    actor_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id INTEGER NOT NULL DEFAULT 0,
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
