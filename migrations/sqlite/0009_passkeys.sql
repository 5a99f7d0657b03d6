-- Passkeys (WebAuthn credentials): a way to sign in on their own, and a second factor after a
-- password or a provider. The ceremonies in flight are kept here too, so any node can finish
-- what another started.

CREATE TABLE passkeys (
    id            BLOB PRIMARY KEY NOT NULL,
    user_id       BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The authenticator's credential id, unpadded base64url: unique across all accounts.
    credential_id TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    -- The verified public key and its signature counter, as the WebAuthn library stores them.
    credential    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT
);
CREATE INDEX passkeys_user ON passkeys (user_id, created_at);

-- A registration or sign-in started and not finished: the library's state for it (challenge,
-- expected credentials). Finishing deletes it, so each is answered at most once.
CREATE TABLE passkey_challenges (
    id          BLOB PRIMARY KEY NOT NULL,
    purpose     TEXT NOT NULL CHECK (purpose IN ('register', 'sign_in', 'second_factor', 'confirm')),
    user_id     BLOB REFERENCES users (id) ON DELETE CASCADE,
    -- For a second factor: the sign-in ticket it finishes.
    ticket_hash BLOB,
    state       TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX passkey_challenges_expiry ON passkey_challenges (expires_at);
