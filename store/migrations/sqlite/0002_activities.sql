-- Activity records of the prevention-education catalogue ("十个一" and other kinds), the
-- classes that took part and their evidence files. The type is a catalogue key, checked
-- against content/activities when written. Files live in the upload folder; rows hold
-- their random names.

CREATE TABLE activities (
    id           INTEGER PRIMARY KEY,
    school_id    INTEGER NOT NULL REFERENCES schools(id),
    school_year  INTEGER NOT NULL,
    type         TEXT NOT NULL,
    title        TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    whole_school INTEGER NOT NULL DEFAULT 0,
    students     INTEGER NOT NULL DEFAULT 0 CHECK (students >= 0),
    teachers     INTEGER NOT NULL DEFAULT 0 CHECK (teachers >= 0),
    parents      INTEGER NOT NULL DEFAULT 0 CHECK (parents >= 0),
    speaker      TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    published    INTEGER NOT NULL DEFAULT 0,
    face_consent INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX activities_year_school ON activities (school_year, school_id, type);
CREATE INDEX activities_school_date ON activities (school_id, held_on);
CREATE INDEX activities_published ON activities (school_id, held_on) WHERE published = 1;

CREATE TABLE activity_classes (
    activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    class_id    INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    PRIMARY KEY (activity_id, class_id)
) WITHOUT ROWID;
CREATE INDEX activity_classes_class ON activity_classes (class_id);

CREATE TABLE activity_files (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('photo', 'pdf')),
    name        TEXT NOT NULL,
    thumb       TEXT NOT NULL DEFAULT '',
    original    TEXT NOT NULL DEFAULT '',
    size        INTEGER NOT NULL,
    width       INTEGER NOT NULL DEFAULT 0,
    height      INTEGER NOT NULL DEFAULT 0,
    position    INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX activity_files_activity ON activity_files (activity_id, position);
