-- Realtime channels: per-channel offsets and stored messages for resume; DM conversations.

CREATE TABLE channels (
    name     TEXT PRIMARY KEY NOT NULL,
    -- Changes only if the channel's history is reset, so clients can tell offsets apart.
    epoch    BIGINT NOT NULL,
    last_seq BIGINT NOT NULL
);

CREATE TABLE channel_messages (
    channel TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    sender  BLOB,
    body    TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (channel, seq)
);

CREATE TABLE conversations (
    id         BLOB PRIMARY KEY NOT NULL,
    user_a     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_b     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    UNIQUE (user_a, user_b),
    CHECK (user_a < user_b)
);
CREATE INDEX conversations_b ON conversations (user_b);
