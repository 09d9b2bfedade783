-- Digests are claimed before they are posted, so one replica posts each, and one that died
-- mid-post is taken over once its claim lapses. Nothing wrote the table before this.
DROP TABLE digests;
CREATE TABLE digests (
    schedule_key  BIGINT NOT NULL,
    local_date    TEXT   NOT NULL,
    -- team:NAME:PLATFORM (the team's channel there) or manager:ID (a DM)
    audience      TEXT   NOT NULL,
    status        TEXT   NOT NULL CHECK (status IN ('claimed', 'posted', 'failed')),
    -- While claimed: nobody else posts it before this (it is also when a failed try is
    -- retried).
    claimed_until BIGINT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    -- The posted message (`channel:id`), or why it could not be posted.
    message_ref   TEXT,
    last_error    TEXT,
    posted_at     BIGINT,
    PRIMARY KEY (schedule_key, local_date, audience)
);

-- Where a person's time zone came from: `default` (the import's default), `hr` (a CSV
-- column, the CLI), `person` (/rhythm timezone) or `slack` (their Slack profile, by
-- `rhythm slack sync`). Sync only replaces `default` and `slack`.
ALTER TABLE people ADD COLUMN timezone_source TEXT NOT NULL DEFAULT 'hr'
    CHECK (timezone_source IN ('default', 'hr', 'person', 'slack'));

-- An inbound event is recorded before it is handled and marked handled in the same
-- transaction as its work; a platform's retry of one that was never handled (the process
-- died meanwhile) is handled again once the first try is old enough to be dead.
ALTER TABLE inbound_events ADD COLUMN handled BOOLEAN NOT NULL DEFAULT TRUE;
