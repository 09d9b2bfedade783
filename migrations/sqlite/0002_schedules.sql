-- Schedules, the holiday calendars they use, and each person's hours and days off.

CREATE TABLE holiday_calendars (
    name       TEXT   PRIMARY KEY,
    -- ISO dates as a JSON array: read whole, never queried by date.
    dates      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE schedules (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL,
    -- The schedule as its policy-file document (JSON); re-checked whenever it is read.
    doc          TEXT    NOT NULL,
    paused       BOOLEAN NOT NULL DEFAULT FALSE,
    -- The next instant the planner must look at (epoch ms); NULL once it will never fire.
    next_fire_at BIGINT,
    -- Bumped by every change, so the planner advances a schedule by compare-and-set.
    version      BIGINT  NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE INDEX schedules_next_fire_at ON schedules (next_fire_at);

-- NULL: the default quiet hours (20:00-08:00 local).
ALTER TABLE people ADD COLUMN quiet_hours TEXT;

CREATE TABLE out_of_office (
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    from_date TEXT   NOT NULL,
    to_date   TEXT   NOT NULL,
    PRIMARY KEY (person_id, from_date),
    CHECK (to_date >= from_date)
);
