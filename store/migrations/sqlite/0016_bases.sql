-- Education bases and the exhibition hall (issue 15): bases with their managers (accounts
-- of the new role base), visit slots with a capacity, group bookings of schools for their
-- classes and places of individual visitors. The role is added to users' CHECK by a Go
-- step after this file (allowBaseRole): SQLite cannot alter a CHECK constraint.

CREATE TABLE bases (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('exhibition_hall', 'base', 'park', 'rehab_centre')),
    district_id INTEGER NOT NULL REFERENCES districts(id),
    address     TEXT NOT NULL,
    hours       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    covers      TEXT NOT NULL DEFAULT '',
    access      TEXT NOT NULL DEFAULT '',
    transport   TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX bases_district ON bases (district_id, kind);

CREATE TABLE base_managers (
    base_id INTEGER NOT NULL REFERENCES bases(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (base_id, user_id)
);
CREATE INDEX base_managers_user ON base_managers (user_id);

-- booked counts the students (or, for public slots, the visitors) holding places; it is
-- changed only by a conditional UPDATE that keeps it within capacity.
CREATE TABLE base_slots (
    id          INTEGER PRIMARY KEY,
    base_id     INTEGER NOT NULL REFERENCES bases(id),
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    capacity    INTEGER NOT NULL CHECK (capacity > 0),
    booked      INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    public      INTEGER NOT NULL DEFAULT 0,
    district_id INTEGER REFERENCES districts(id),
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at),
    UNIQUE (base_id, starts_at)
);
CREATE INDEX base_slots_starts ON base_slots (starts_at);

CREATE TABLE base_bookings (
    id          INTEGER PRIMARY KEY,
    slot_id     INTEGER NOT NULL REFERENCES base_slots(id),
    school_id   INTEGER NOT NULL REFERENCES schools(id),
    booked_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    students    INTEGER NOT NULL CHECK (students > 0),
    teachers    INTEGER NOT NULL DEFAULT 0,
    guide       INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'closed', 'attended')),
    code        TEXT NOT NULL UNIQUE,
    arrived     INTEGER NOT NULL DEFAULT 0,
    activity_id INTEGER REFERENCES activities(id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    changed_at  TIMESTAMP
);
CREATE INDEX base_bookings_slot ON base_bookings (slot_id, status);
CREATE INDEX base_bookings_school ON base_bookings (school_id, status);

CREATE TABLE base_booking_classes (
    booking_id INTEGER NOT NULL REFERENCES base_bookings(id) ON DELETE CASCADE,
    class_id   INTEGER NOT NULL REFERENCES classes(id),
    PRIMARY KEY (booking_id, class_id)
);
CREATE INDEX base_booking_classes_class ON base_booking_classes (class_id);

-- Individual visitors: name and mobile only, erased (set to '') 90 days after the visit;
-- the row stays for the counts.
CREATE TABLE base_visitors (
    id            INTEGER PRIMARY KEY,
    slot_id       INTEGER NOT NULL REFERENCES base_slots(id),
    name          TEXT NOT NULL,
    mobile        TEXT NOT NULL,
    people        INTEGER NOT NULL DEFAULT 1 CHECK (people BETWEEN 1 AND 5),
    code          TEXT NOT NULL UNIQUE,
    status        TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'closed', 'attended')),
    created_at    TIMESTAMP NOT NULL,
    checked_in_at TIMESTAMP,
    erased_at     TIMESTAMP
);
CREATE INDEX base_visitors_slot ON base_visitors (slot_id, status);

-- Parents' letter receipts (家校共育): the city's letter per school year, a collection per
-- class, and one receipt per student of the class when it was opened, with a random code
-- that carries no personal data. A parent confirms once, with the relation and an
-- optional message; no name or phone is kept.
CREATE TABLE parent_letters (
    school_year INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE receipt_collections (
    id          INTEGER PRIMARY KEY,
    class_id    INTEGER NOT NULL UNIQUE REFERENCES classes(id),
    school_id   INTEGER NOT NULL REFERENCES schools(id),
    school_year INTEGER NOT NULL,
    opened_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    opened_at   TIMESTAMP NOT NULL,
    closed_at   TIMESTAMP,
    activity_id INTEGER REFERENCES activities(id) ON DELETE SET NULL
);
CREATE INDEX receipt_collections_year ON receipt_collections (school_year, school_id);

CREATE TABLE receipts (
    id            INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES receipt_collections(id) ON DELETE CASCADE,
    student_id    INTEGER REFERENCES students(id) ON DELETE SET NULL,
    code          TEXT NOT NULL UNIQUE,
    confirmed_at  TIMESTAMP,
    relation      TEXT NOT NULL DEFAULT '' CHECK (relation IN ('', 'father', 'mother', 'guardian')),
    message       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX receipts_collection ON receipts (collection_id);
