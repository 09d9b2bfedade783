-- Coaching: recurring 1:1s between a manager and a report, what each session recorded,
-- talking points waiting for the next session, and action items carried over until done;
-- feedback requested from peers or given unprompted; HR's coaching policy.

-- One series per manager–report pair: every `every_weeks` weeks from `anchor` (a local date,
-- whose weekday is every session's) at `at_time` in `timezone`. Cancelled series keep their
-- record (`active` false); setting the pair up again replaces the cadence.
CREATE TABLE oneonones (
    id          BIGSERIAL PRIMARY KEY,
    manager_id  BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    report_id   BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    every_weeks INTEGER NOT NULL CHECK (every_weeks BETWEEN 1 AND 8),
    anchor      TEXT    NOT NULL,
    at_time     TEXT    NOT NULL,
    timezone    TEXT    NOT NULL,
    minutes     INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 480),
    active      BOOLEAN NOT NULL,
    created_at  BIGINT  NOT NULL,
    UNIQUE (manager_id, report_id),
    CHECK (manager_id <> report_id)
);
CREATE INDEX oneonones_by_report ON oneonones (report_id);

-- A session is recorded once, by either of the pair: held (with shared notes) or not. The
-- pair is copied so that the record outlives a change of manager.
CREATE TABLE oneonone_sessions (
    series_id   BIGINT  NOT NULL REFERENCES oneonones (id) ON DELETE CASCADE,
    starts_at   BIGINT  NOT NULL,
    manager_id  BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    report_id   BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    held        BOOLEAN NOT NULL,
    notes       TEXT,
    recorded_by BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    recorded_at BIGINT  NOT NULL,
    PRIMARY KEY (series_id, starts_at)
);
CREATE INDEX oneonone_sessions_by_pair ON oneonone_sessions (manager_id, report_id, starts_at);

-- Talking points wait for the next held session, which covers them (`covered_by` is its
-- start). A private one is shown to its author only.
CREATE TABLE talking_points (
    id         BIGSERIAL PRIMARY KEY,
    series_id  BIGINT  NOT NULL REFERENCES oneonones (id) ON DELETE CASCADE,
    author_id  BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    text       TEXT    NOT NULL,
    private    BOOLEAN NOT NULL,
    created_at BIGINT  NOT NULL,
    covered_by BIGINT
);
CREATE INDEX talking_points_open ON talking_points (series_id, covered_by);

-- Action items agreed at a session, open until their owner marks them done.
CREATE TABLE action_items (
    id         BIGSERIAL PRIMARY KEY,
    series_id  BIGINT  NOT NULL REFERENCES oneonones (id) ON DELETE CASCADE,
    session_at BIGINT  NOT NULL,
    owner_id   BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    text       TEXT    NOT NULL,
    -- The owner's local day, `2026-03-20`.
    due        TEXT    NOT NULL,
    done_at    BIGINT
);
CREATE INDEX action_items_by_series ON action_items (series_id, done_at);
CREATE INDEX action_items_by_owner ON action_items (owner_id, done_at);

-- One row per person asked: open until answered or declined; an open one past
-- `expires_at` has expired.
CREATE TABLE feedback_requests (
    id           BIGSERIAL PRIMARY KEY,
    subject_id   BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    requester_id BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    giver_id     BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    about        TEXT    NOT NULL,
    asked_at     BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('open', 'answered', 'declined')),
    answered_at  BIGINT
);
CREATE INDEX feedback_requests_by_giver ON feedback_requests (giver_id, status);

-- Feedback given, on request or unprompted. `shared`: the subject and their manager read it,
-- attributed; `manager_only`: the manager (and HR) only.
CREATE TABLE feedback (
    id         BIGSERIAL PRIMARY KEY,
    subject_id BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    giver_id   BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    request_id BIGINT  REFERENCES feedback_requests (id) ON DELETE SET NULL,
    text       TEXT    NOT NULL,
    visibility TEXT    NOT NULL CHECK (visibility IN ('shared', 'manager_only')),
    given_at   BIGINT  NOT NULL
);
CREATE INDEX feedback_by_subject ON feedback (subject_id, given_at);

-- HR's coaching policy (when a 1:1 is overdue, when agendas go out, how long requests stay
-- open), one JSON document.
CREATE TABLE coaching_policy (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    doc        TEXT    NOT NULL,
    updated_at BIGINT  NOT NULL
);
