-- Goals: what a person, a team or the company sets out to do in a quarter, cascading from
-- company to team to person through `parent_id`, measured by key results or a done/not-done
-- check. Each recorded update is kept in `goal_updates`, so reports can show a goal as it
-- stood at any instant; the goal row holds where it stands now.
CREATE TABLE goals (
    id              BIGSERIAL PRIMARY KEY,
    owner_kind      TEXT    NOT NULL CHECK (owner_kind IN ('person', 'team', 'company')),
    -- A person's or a team's goal goes with them.
    owner_person_id BIGINT  REFERENCES people (id) ON DELETE CASCADE,
    owner_team_id   BIGINT  REFERENCES teams (id) ON DELETE CASCADE,
    -- The quarter, `2026-Q4`: sorts as text in time order.
    period          TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    description     TEXT,
    weight          INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),
    -- The goal it contributes to; a goal whose parent is deleted stands on its own.
    parent_id       BIGINT  REFERENCES goals (id) ON DELETE SET NULL,
    -- How it is measured, with its latest values: a JSON document, read and written whole.
    measure         TEXT    NOT NULL,
    status          TEXT    NOT NULL
                    CHECK (status IN ('on_track', 'at_risk', 'off_track', 'done', 'dropped')),
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    -- Exactly the owner the kind names.
    CHECK (
        (owner_kind = 'person' AND owner_person_id IS NOT NULL AND owner_team_id IS NULL)
        OR (owner_kind = 'team' AND owner_team_id IS NOT NULL AND owner_person_id IS NULL)
        OR (owner_kind = 'company' AND owner_person_id IS NULL AND owner_team_id IS NULL)
    )
);
CREATE INDEX goals_by_person ON goals (owner_person_id, period);
CREATE INDEX goals_by_team ON goals (owner_team_id, period);
CREATE INDEX goals_by_period ON goals (period, owner_kind);
CREATE INDEX goals_by_parent ON goals (parent_id);

-- A goal's history: its starting values (`person_id` NULL), then each update someone
-- recorded, with the status and comment they gave. Never changed once written.
CREATE TABLE goal_updates (
    id        BIGSERIAL PRIMARY KEY,
    goal_id   BIGINT  NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    -- Who recorded it; the entry outlives them.
    person_id BIGINT  REFERENCES people (id) ON DELETE SET NULL,
    measure   TEXT    NOT NULL,
    status    TEXT    NOT NULL
              CHECK (status IN ('on_track', 'at_risk', 'off_track', 'done', 'dropped')),
    comment   TEXT,
    at        BIGINT  NOT NULL
);
CREATE INDEX goal_updates_by_goal ON goal_updates (goal_id, at);
-- For the foreign key: deleting a person clears their name from the entries they recorded.
CREATE INDEX goal_updates_by_person ON goal_updates (person_id);
