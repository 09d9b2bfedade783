-- The directory: people, teams, chat identities, and the audit log of admin changes.
-- Instants are epoch milliseconds (BIGINT) so both backends compare them the same way.

CREATE TABLE teams (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
-- `Platform` and `platform` are one team, spelt as it was first imported.
CREATE UNIQUE INDEX teams_name_key ON teams (lower(name));

CREATE TABLE people (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    timezone      TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('employee', 'manager', 'hr_admin')),
    -- Checked at the end of each statement: an import writes managers before their reports.
    manager_email TEXT    REFERENCES people (email) ON UPDATE CASCADE,
    region        TEXT,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    CHECK (manager_email <> email)
);
CREATE INDEX people_manager_email ON people (manager_email);

CREATE TABLE person_teams (
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    team_id   BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    PRIMARY KEY (person_id, team_id)
);
CREATE INDEX person_teams_team_id ON person_teams (team_id);

-- A chat account belongs to one person; a person may have several.
CREATE TABLE chat_identities (
    platform     TEXT   NOT NULL CHECK (platform IN ('slack', 'discord')),
    user_id      TEXT   NOT NULL,
    workspace_id TEXT,
    person_id    BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (platform, user_id)
);
CREATE INDEX chat_identities_person_id ON chat_identities (person_id);

-- Details are a JSON object stored as text, the same on both backends.
CREATE TABLE audit_log (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      BIGINT NOT NULL,
    actor   TEXT   NOT NULL,
    action  TEXT   NOT NULL,
    details TEXT   NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
