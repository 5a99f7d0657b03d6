-- Matchmaking opt-in, and meetings between attendees of an event.

ALTER TABLE users ADD COLUMN matchmaking BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE meetings (
    id         BLOB PRIMARY KEY NOT NULL,
    event_id   BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    from_user  BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    to_user    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled')),
    message    TEXT NOT NULL,
    starts_at  BIGINT NOT NULL,
    ends_at    BIGINT NOT NULL,
    place      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (from_user <> to_user)
);
CREATE INDEX meetings_from ON meetings (from_user, starts_at);
CREATE INDEX meetings_to ON meetings (to_user, starts_at);
CREATE INDEX meetings_event ON meetings (event_id);
