-- Occurrences (a schedule firing at an instant) and deliveries (the outbox: one message to
-- one person for one occurrence). The unique keys make each happen once, however many
-- planners and dispatchers run.

CREATE TABLE occurrences (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    schedule_id BIGINT  NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    fire_at     BIGINT  NOT NULL,
    -- on_time, late (fired within the grace window after downtime) or missed (too late:
    -- recorded, nothing sent).
    status      TEXT    NOT NULL CHECK (status IN ('on_time', 'late', 'missed')),
    claimed_at  BIGINT  NOT NULL,
    UNIQUE (schedule_id, fire_at)
);

CREATE TABLE deliveries (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurrence_id BIGINT  NOT NULL REFERENCES occurrences (id) ON DELETE CASCADE,
    person_id     BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- reminder, nudge, escalation, or a deadline offset such as deadline:-7d
    step          TEXT    NOT NULL,
    due_at        BIGINT  NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'sent', 'dead', 'cancelled')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    -- A dispatcher owns a pending delivery until lease_until; only the owner may finish it.
    lease_owner   TEXT,
    lease_until   BIGINT,
    message_id    TEXT,
    last_error    TEXT,
    sent_at       BIGINT,
    created_at    BIGINT  NOT NULL,
    UNIQUE (occurrence_id, person_id, step)
);
CREATE INDEX deliveries_due ON deliveries (status, due_at);
