-- Accounts, profiles, blocks, sessions, events, RSVPs, announcements.

CREATE TABLE users (
    id            BLOB PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    headline      TEXT NOT NULL DEFAULT '',
    bio           TEXT NOT NULL DEFAULT '',
    interests     TEXT NOT NULL DEFAULT '[]',
    seeking       TEXT NOT NULL DEFAULT '[]',
    offering      TEXT NOT NULL DEFAULT '[]',
    visibility    TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'attendees', 'hidden')),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE refresh_tokens (
    token_hash BLOB PRIMARY KEY NOT NULL,
    family_id  BLOB NOT NULL,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    revoked_at BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE blocks (
    blocker_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_blocked ON blocks (blocked_id);

CREATE TABLE events (
    -- Integer alias of the rowid so the FTS5 index survives VACUUM.
    seq           INTEGER PRIMARY KEY,
    id            BLOB NOT NULL UNIQUE,
    owner_id      BLOB NOT NULL REFERENCES users (id),
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    tags          TEXT NOT NULL DEFAULT '[]',
    starts_at     BIGINT NOT NULL,
    ends_at       BIGINT NOT NULL,
    timezone      TEXT NOT NULL,
    venue_name    TEXT,
    venue_address TEXT,
    lat           DOUBLE PRECISION,
    lon           DOUBLE PRECISION,
    online_url    TEXT,
    capacity      BIGINT,
    visibility    TEXT NOT NULL CHECK (visibility IN ('public', 'unlisted')),
    checkin_code  TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX events_starts ON events (starts_at, id);
CREATE INDEX events_lat ON events (lat);

CREATE VIRTUAL TABLE events_fts USING fts5 (
    title, description, tags,
    content = 'events', content_rowid = 'seq',
    tokenize = 'porter unicode61'
);
CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, title, description, tags)
    VALUES (new.seq, new.title, new.description, new.tags);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, title, description, tags)
    VALUES ('delete', old.seq, old.title, old.description, old.tags);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF title, description, tags ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, title, description, tags)
    VALUES ('delete', old.seq, old.title, old.description, old.tags);
    INSERT INTO events_fts (rowid, title, description, tags)
    VALUES (new.seq, new.title, new.description, new.tags);
END;

CREATE TABLE event_tags (
    event_id BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    PRIMARY KEY (event_id, tag)
);
CREATE INDEX event_tags_tag ON event_tags (tag);

CREATE TABLE event_organizers (
    event_id BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id  BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_organizers_user ON event_organizers (user_id);

CREATE TABLE rsvps (
    event_id      BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id       BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('going', 'interested', 'waitlisted')),
    personal_code TEXT NOT NULL,
    waitlisted_at BIGINT,
    checked_in_at BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (event_id, user_id),
    UNIQUE (event_id, personal_code)
);
CREATE INDEX rsvps_event_status ON rsvps (event_id, status, waitlisted_at);
CREATE INDEX rsvps_user ON rsvps (user_id);

CREATE TABLE announcements (
    id         BLOB PRIMARY KEY NOT NULL,
    event_id   BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    author_id  BLOB NOT NULL REFERENCES users (id),
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX announcements_event ON announcements (event_id, created_at, id);
