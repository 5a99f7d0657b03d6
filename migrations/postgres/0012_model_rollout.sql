-- Model versions and their rollout (docs/analytics.md, "Rollout"): every recommender version put
-- in front of people, and the decision that ended each canary experiment.

CREATE TABLE model_versions (
    kind         TEXT NOT NULL,
    version      TEXT NOT NULL,
    -- When it was trained, and on how many RSVPs and check-ins (its training data window).
    trained_at   BIGINT NOT NULL,
    interactions BIGINT NOT NULL,
    first_served BIGINT NOT NULL,
    -- canary, current, retired (replaced by a newer current), rolled_back.
    status       TEXT NOT NULL,
    PRIMARY KEY (kind, version, trained_at)
);

-- One decision per experiment: the first node to decide (or the operator) writes it, and every
-- node applies it.
CREATE TABLE model_decisions (
    experiment TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL,
    control    TEXT,
    canary     TEXT NOT NULL,
    verdict    TEXT NOT NULL,
    forced     BOOLEAN NOT NULL,
    -- The numbers behind it (JSON): both arms, lift, z, p-value, the z needed, the guardrail.
    numbers    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    decided_at BIGINT NOT NULL
);
