-- Check-ins (one per person, schedule and local day), their templates, team channels for
-- digests, and the inbound events already handled (for idempotency).

CREATE TABLE checkin_templates (
    name       TEXT   PRIMARY KEY,
    -- The template as its policy-file document (JSON); re-checked whenever it is read.
    doc        TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE checkins (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id     BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- The schedule that asked, or 0 for a check-in started with /checkin.
    schedule_key  BIGINT  NOT NULL,
    occurrence_id BIGINT  REFERENCES occurrences (id) ON DELETE SET NULL,
    -- The person's local date (ISO).
    local_date    TEXT    NOT NULL,
    template      TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted', 'skipped')),
    -- Answers by question id (JSON); NULL until submitted.
    answers       TEXT,
    -- 1-5 from the template's scale question, and whether a blocker was named: kept apart
    -- from the answers so reports need not parse them.
    mood          SMALLINT,
    blocked       BOOLEAN NOT NULL DEFAULT FALSE,
    opened_at     BIGINT  NOT NULL,
    closes_at     BIGINT  NOT NULL,
    submitted_at  BIGINT,
    late          BOOLEAN NOT NULL DEFAULT FALSE,
    -- The prompt's message on the platform (`channel:id`), to update it after an answer.
    prompt_ref    TEXT,
    prompt_platform TEXT,
    UNIQUE (person_id, schedule_key, local_date)
);
CREATE INDEX checkins_closes_at ON checkins (closes_at);

-- Where a team's digests go, per platform.
CREATE TABLE team_channels (
    team_id    BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    platform   TEXT   NOT NULL,
    channel_id TEXT   NOT NULL,
    PRIMARY KEY (team_id, platform)
);

-- Digests posted: one per schedule, local day and team (or manager), whoever posts it.
CREATE TABLE digests (
    schedule_key BIGINT NOT NULL,
    local_date   TEXT   NOT NULL,
    -- team:ID or manager:ID
    audience     TEXT   NOT NULL,
    posted_at    BIGINT NOT NULL,
    PRIMARY KEY (schedule_key, local_date, audience)
);

-- Inbound platform events already accepted: a retry or a double click is seen here and
-- changes nothing twice.
CREATE TABLE inbound_events (
    platform    TEXT   NOT NULL,
    event_key   TEXT   NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (platform, event_key)
);
CREATE INDEX inbound_events_received_at ON inbound_events (received_at);
