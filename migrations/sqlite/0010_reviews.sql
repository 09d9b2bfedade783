-- Review cycles: a cycle as HR set it up, the people reviewed in it (with their manager at
-- the start), the peers each nominates and their manager approves, the reviews themselves
-- (self, peer and manager: drafts, then submitted and locked until HR reopens one), and who
-- acknowledged their results.

-- One cycle per name. `spec` is the rest of what HR set (form, deadlines, anonymity and its
-- threshold, nominations, score formula, reminders), one JSON document. `state` moves
-- draft → active → closed; `released_at` is set once, while active.
CREATE TABLE review_cycles (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE,
    spec        TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('draft', 'active', 'closed')),
    released_at BIGINT,
    created_at  BIGINT  NOT NULL
);

-- The people a started cycle reviews, once each, with their manager at the start (who
-- writes their manager review; `NULL` if they had none and HR does).
CREATE TABLE review_participants (
    cycle_id   BIGINT NOT NULL REFERENCES review_cycles (id) ON DELETE CASCADE,
    person_id  BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    manager_id BIGINT REFERENCES people (id) ON DELETE SET NULL,
    PRIMARY KEY (cycle_id, person_id)
);

-- The peers a participant nominates (`proposed`), replaced until their manager approves a
-- list (`approved`, after which it no longer changes).
CREATE TABLE review_nominations (
    cycle_id     BIGINT NOT NULL REFERENCES review_cycles (id) ON DELETE CASCADE,
    subject_id   BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    peer_id      BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    status       TEXT   NOT NULL CHECK (status IN ('proposed', 'approved')),
    nominated_at BIGINT NOT NULL,
    approved_at  BIGINT,
    PRIMARY KEY (cycle_id, subject_id, peer_id),
    CHECK (subject_id <> peer_id)
);

-- One review per subject, reviewer and kind in a cycle. `answers` maps question ids to
-- answers, one JSON object. Submitted reviews are locked; `submitted_at` is set exactly
-- while submitted (a reopened review is in progress again, its answers kept).
CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    cycle_id     BIGINT  NOT NULL REFERENCES review_cycles (id) ON DELETE CASCADE,
    subject_id   BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    reviewer_id  BIGINT  NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('self', 'peer', 'manager')),
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'in_progress', 'submitted')),
    answers      TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    submitted_at BIGINT,
    UNIQUE (cycle_id, subject_id, reviewer_id, kind),
    CHECK ((state = 'submitted') = (submitted_at IS NOT NULL)),
    CHECK (kind <> 'self' OR subject_id = reviewer_id),
    CHECK (kind <> 'peer' OR subject_id <> reviewer_id)
);
CREATE INDEX reviews_by_reviewer ON reviews (reviewer_id, state);

-- Who acknowledged their results, once each.
CREATE TABLE review_acknowledgements (
    cycle_id        BIGINT NOT NULL REFERENCES review_cycles (id) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    acknowledged_at BIGINT NOT NULL,
    PRIMARY KEY (cycle_id, person_id)
);
