-- Leases: one holder of a named job at a time across replicas (the Discord gateway: Discord
-- delivers each interaction to one connection, so only one replica connects). A holder
-- renews before `until`; a replica takes a lease over once `until` has passed.
CREATE TABLE leases (
    name     TEXT   NOT NULL PRIMARY KEY,
    holder   TEXT   NOT NULL,
    until    BIGINT NOT NULL,
    taken_at BIGINT NOT NULL
);

-- People a platform refuses to reach (Discord 50007: DMs closed, or no shared server):
-- deliveries to them are parked without calling the platform until `until`, since repeated
-- refusals count toward Discord's ban of 10,000 bad requests in 10 minutes.
CREATE TABLE unreachable (
    platform TEXT   NOT NULL CHECK (platform IN ('slack', 'discord')),
    user_id  TEXT   NOT NULL,
    until    BIGINT NOT NULL,
    reason   TEXT   NOT NULL,
    PRIMARY KEY (platform, user_id)
);

-- Linking a chat account by `/rhythm link EMAIL`: a one-time code for the account to prove
-- it belongs to the person of that email, sent to their other linked account (or shown to
-- HR). One pending code per chat account; a few wrong tries and it is gone.
CREATE TABLE link_codes (
    platform   TEXT    NOT NULL CHECK (platform IN ('slack', 'discord')),
    user_id    TEXT    NOT NULL,
    person_id  BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- SHA-256 of the code, hex: the code itself is only ever in the message.
    code_hash  TEXT    NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (platform, user_id)
);
