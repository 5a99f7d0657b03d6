-- Usage analytics (docs/analytics.md): raw events, kept for a configurable time, and the rollups
-- every dashboard reads. People appear only under pseudonymous keys (an HMAC of their id under a
-- key derived from the server's secret); the raw events and the per-person rollups of a closed
-- account are deleted with it.

-- One row per thing that happened.
CREATE TABLE analytics_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    -- Who acted; NULL for signed-out page views.
    actor         TEXT,
    -- The Mingle event concerned.
    event_id      BLOB,
    -- What was shown or opened: an event id, a person's key (suggestions), a meeting id.
    item          TEXT,
    -- The other person of a meeting or a "met" mark, by key.
    other         TEXT,
    list          TEXT,
    position      INTEGER,
    model_version TEXT,
    variant       TEXT,
    request_id    BLOB,
    page          TEXT,
    -- RSVPs: the list the event was opened from; meeting requests: `suggestions` when the person
    -- asked had been suggested.
    source        TEXT,
    amount        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX analytics_events_at ON analytics_events (at);
CREATE INDEX analytics_events_actor_item ON analytics_events (actor, item, at);
CREATE INDEX analytics_events_other ON analytics_events (other);

-- Events per hour and per every dimension a dashboard groups by ('' and -1 for none).
-- `position` is capped at 20 (20 means 20 or later).
CREATE TABLE analytics_hourly (
    hour          BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    list          TEXT NOT NULL,
    position      INTEGER NOT NULL,
    model_version TEXT NOT NULL,
    variant       TEXT NOT NULL,
    source        TEXT NOT NULL,
    amount        BIGINT NOT NULL,
    PRIMARY KEY (hour, kind, event_id, list, position, model_version, variant, source)
);
CREATE INDEX analytics_hourly_kind ON analytics_hourly (kind, hour);

-- The first time each person reached each step of an event's funnel.
CREATE TABLE analytics_stages (
    event_id BLOB NOT NULL,
    stage    TEXT NOT NULL,
    actor    TEXT NOT NULL,
    at       BIGINT NOT NULL,
    source   TEXT,
    PRIMARY KEY (event_id, stage, actor)
);
CREATE INDEX analytics_stages_actor ON analytics_stages (actor);

-- Days (since 1970-01-01, UTC) on which a person did anything.
CREATE TABLE analytics_active_days (
    day   INTEGER NOT NULL,
    actor TEXT NOT NULL,
    PRIMARY KEY (day, actor)
);
CREATE INDEX analytics_active_days_actor ON analytics_active_days (actor, day);

-- The day each person signed up: their cohort.
CREATE TABLE analytics_people (
    actor         TEXT PRIMARY KEY NOT NULL,
    signed_up_day INTEGER NOT NULL
);
