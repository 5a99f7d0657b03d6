-- What attendees said about a suggestion: never suggest that person to them at that event again.

CREATE TABLE suggestion_feedback (
    event_id   BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_id  BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    verdict    TEXT NOT NULL CHECK (verdict IN ('not_relevant', 'met')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (event_id, user_id, target_id)
);
