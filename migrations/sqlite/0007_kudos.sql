-- Kudos: recognition given in chat (`/kudos`, a reaction, a message shortcut), part of each
-- person's record. A kudos is never deleted: a giver's retraction (within minutes) and HR's
-- removal (audited) are marked, and reports leave such kudos out.
CREATE TABLE kudos (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    giver_id       BIGINT  NOT NULL REFERENCES people (id),
    reason         TEXT    NOT NULL,
    visibility     TEXT    NOT NULL CHECK (visibility IN ('public', 'private')),
    source         TEXT    NOT NULL CHECK (source IN ('command', 'reaction', 'shortcut')),
    platform       TEXT    NOT NULL CHECK (platform IN ('slack', 'discord')),
    -- The message a reaction or a shortcut cited (a link people can open).
    message_link   TEXT,
    -- One kudos per key: a reaction's (platform, message, giver), so that a platform's retry
    -- or the same reaction removed and added again gives one kudos.
    source_key     TEXT    UNIQUE,
    given_at       BIGINT  NOT NULL,
    retracted_at   BIGINT,
    removed_at     BIGINT,
    removed_by     TEXT,
    removal_reason TEXT
);
CREATE INDEX kudos_by_time ON kudos (given_at);
CREATE INDEX kudos_by_giver ON kudos (giver_id, given_at);

CREATE TABLE kudos_recipients (
    kudos_id  BIGINT NOT NULL REFERENCES kudos (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    PRIMARY KEY (kudos_id, person_id)
);
CREATE INDEX kudos_recipients_by_person ON kudos_recipients (person_id);

-- The company values a kudos was tagged with, by tag (kept as written, even if HR later
-- retires the value).
CREATE TABLE kudos_values (
    kudos_id BIGINT NOT NULL REFERENCES kudos (id),
    tag      TEXT   NOT NULL,
    PRIMARY KEY (kudos_id, tag)
);

-- HR's kudos policy (company values, allowances, channels), one JSON document, written by a
-- policy file with the schedules.
CREATE TABLE kudos_policy (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    doc        TEXT    NOT NULL,
    updated_at BIGINT  NOT NULL
);

-- Notices: one-off messages about a record (a kudos announced in a channel, DM'd to its
-- recipient), written in the record's transaction and posted by whichever replica claims
-- them, so none is lost and none is posted twice (barring a crash between posting and
-- recording, as for deliveries). What a notice says is composed when it is posted.
CREATE TABLE notices (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- What it is about: `kudos:ID`.
    subject       TEXT    NOT NULL,
    platform      TEXT    NOT NULL CHECK (platform IN ('slack', 'discord')),
    -- `channel:ID` or `person:ID` (a DM).
    destination   TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('pending', 'posted', 'skipped', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    -- Not tried before this (a retry's backoff).
    next_at       BIGINT  NOT NULL,
    -- While claimed: nobody else posts it before this.
    claimed_until BIGINT,
    -- The posted message (`channel:id`).
    message_ref   TEXT,
    last_error    TEXT,
    created_at    BIGINT  NOT NULL,
    posted_at     BIGINT,
    UNIQUE (subject, platform, destination)
);
CREATE INDEX notices_due ON notices (status, platform, next_at);
