-- Volunteers: profiles, association memberships, opportunities with places and a waiting
-- list, check-in, confirmed hours, school requests, notices and certificates.
-- users.association_id stays the scope of coordinators; a volunteer's associations are
-- their memberships.

CREATE TABLE volunteer_profiles (
    user_id         INTEGER PRIMARY KEY REFERENCES users(id),
    phone           TEXT NOT NULL DEFAULT '',
    district_id     INTEGER REFERENCES districts(id),
    skills          TEXT NOT NULL DEFAULT '',
    availability    TEXT NOT NULL DEFAULT '',
    consent_version TEXT NOT NULL DEFAULT '',
    consent_at      TIMESTAMP,
    deleted_at      TIMESTAMP
);

CREATE TABLE memberships (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    association_id INTEGER NOT NULL REFERENCES associations(id),
    status         TEXT NOT NULL CHECK (status IN ('applied', 'approved', 'declined', 'left')),
    reason         TEXT NOT NULL DEFAULT '',
    applied_at     TIMESTAMP NOT NULL,
    decided_at     TIMESTAMP,
    UNIQUE (user_id, association_id)
);
CREATE INDEX memberships_association ON memberships (association_id, status);

-- Volunteers that already belong to an association are its approved members.
INSERT INTO memberships (user_id, association_id, status, applied_at, decided_at)
    SELECT id, association_id, 'approved', created_at, created_at FROM users
    WHERE role = 'volunteer' AND association_id IS NOT NULL;

-- An account created or moved as a volunteer of an association (by the admin or the seed)
-- is an approved member of it.
CREATE TRIGGER users_volunteer_member_insert AFTER INSERT ON users
WHEN NEW.role = 'volunteer' AND NEW.association_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO memberships (user_id, association_id, status, applied_at, decided_at)
    VALUES (NEW.id, NEW.association_id, 'approved', NEW.created_at, NEW.created_at);
END;
-- Only a real change of role or association counts: an admin editing a name must not bring
-- back a member who left.
CREATE TRIGGER users_volunteer_member_update AFTER UPDATE OF association_id, role ON users
WHEN NEW.role = 'volunteer' AND NEW.association_id IS NOT NULL
    AND (OLD.association_id IS NOT NEW.association_id OR OLD.role <> NEW.role)
BEGIN
    INSERT OR IGNORE INTO memberships (user_id, association_id, status, applied_at, decided_at)
    VALUES (NEW.id, NEW.association_id, 'approved', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
    UPDATE memberships SET status = 'approved' WHERE user_id = NEW.id AND association_id = NEW.association_id;
END;

CREATE TABLE opportunities (
    id              INTEGER PRIMARY KEY,
    association_id  INTEGER NOT NULL REFERENCES associations(id),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    place           TEXT NOT NULL,
    starts_at       TIMESTAMP NOT NULL,
    ends_at         TIMESTAMP NOT NULL,
    deadline        TIMESTAMP NOT NULL,
    capacity        INTEGER NOT NULL CHECK (capacity > 0),
    skills          TEXT NOT NULL DEFAULT '',
    city_wide       INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled')),
    school_id       INTEGER REFERENCES schools(id),
    activity_key    TEXT NOT NULL DEFAULT '',
    checkin_code    TEXT UNIQUE,
    checkin_expires TIMESTAMP,
    hours_confirmed_at TIMESTAMP,
    school_confirmed_at TIMESTAMP,
    created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at      TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX opportunities_starts ON opportunities (starts_at);
CREATE INDEX opportunities_association ON opportunities (association_id, starts_at);

-- seq is the arrival order within an opportunity: the waiting list moves up by it.
CREATE TABLE signups (
    id             INTEGER PRIMARY KEY,
    opportunity_id INTEGER NOT NULL REFERENCES opportunities(id),
    user_id        INTEGER NOT NULL REFERENCES users(id),
    status         TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    seq            INTEGER NOT NULL,
    signed_at      TIMESTAMP NOT NULL,
    checkin_at     TIMESTAMP,
    checkout_at    TIMESTAMP,
    attended       INTEGER NOT NULL DEFAULT 0,
    hours          REAL,
    hours_at       TIMESTAMP,
    UNIQUE (opportunity_id, user_id)
);
CREATE INDEX signups_user ON signups (user_id, status);
CREATE INDEX signups_opportunity ON signups (opportunity_id, status, seq);

CREATE TABLE volunteer_requests (
    id             INTEGER PRIMARY KEY,
    school_id      INTEGER NOT NULL REFERENCES schools(id),
    association_id INTEGER NOT NULL REFERENCES associations(id),
    requested_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    activity_key   TEXT NOT NULL,
    topic          TEXT NOT NULL,
    details        TEXT NOT NULL DEFAULT '',
    preferred_date TEXT NOT NULL,
    volunteers     INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'declined')),
    reason         TEXT NOT NULL DEFAULT '',
    opportunity_id INTEGER REFERENCES opportunities(id),
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX volunteer_requests_school ON volunteer_requests (school_id);
CREATE INDEX volunteer_requests_association ON volunteer_requests (association_id, status);

CREATE TABLE volunteer_notices (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    kind           TEXT NOT NULL CHECK (kind IN ('promoted', 'cancelled', 'moved')),
    opportunity_id INTEGER NOT NULL REFERENCES opportunities(id),
    at             TIMESTAMP NOT NULL
);
CREATE INDEX volunteer_notices_user ON volunteer_notices (user_id, at);

CREATE TABLE certificates (
    code             TEXT PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id),
    initials         TEXT NOT NULL,
    association_name TEXT NOT NULL DEFAULT '',
    hours            REAL NOT NULL,
    services         INTEGER NOT NULL,
    issued_at        TIMESTAMP NOT NULL
);
CREATE INDEX certificates_user ON certificates (user_id);
