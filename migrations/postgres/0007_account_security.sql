-- Accounts that can be verified, recovered, protected and closed: sign-in sessions (one per
-- login, the family of its refresh tokens) with their devices, verified e-mail, a TOTP second
-- factor with single-use recovery codes, single-use e-mail links and sign-in tickets, and
-- deleted accounts (kept as "Deleted user" so their messages stay in conversations).

CREATE TABLE sessions (
    id           UUID PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    revoked_at   BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
-- Every refresh-token family issued before this migration becomes a session.
INSERT INTO sessions (id, user_id, created_at, last_used_at, revoked_at)
SELECT family_id, (array_agg(user_id))[1], MIN(created_at), MAX(created_at), MAX(revoked_at)
FROM refresh_tokens GROUP BY family_id;

ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
ALTER TABLE users ADD COLUMN deleted_at BIGINT;
-- Base32 secret of a confirmed TOTP enrolment, the one awaiting its first code, and the last
-- time step a code was accepted for (each step's code is accepted once).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

CREATE TABLE recovery_codes (
    user_id   UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BYTEA NOT NULL,
    used_at   BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- Links sent by e-mail: verify an address (`verify`), move the account to a new one (`change`),
-- or set a new password (`reset`). Only the SHA-256 of the token is stored.
CREATE TABLE email_tokens (
    token_hash BYTEA PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('verify', 'change', 'reset')),
    email      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX email_tokens_user ON email_tokens (user_id);

-- The ticket between a correct password and the second factor.
CREATE TABLE mfa_tickets (
    ticket_hash BYTEA PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    attempts    BIGINT NOT NULL DEFAULT 0,
    user_agent  TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT ''
);

-- An event its organizer can no longer run (their account was closed and nobody else organizes
-- it): kept, so attendees see what happened, but closed to RSVPs and left out of search.
ALTER TABLE events ADD COLUMN cancelled_at BIGINT;

-- Sign-in through external identity providers (OpenID Connect, GitHub): who is who there.
CREATE TABLE identities (
    provider     TEXT NOT NULL,
    subject      TEXT NOT NULL,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email        TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX identities_user ON identities (user_id, provider);

-- A sign-in sent to a provider and not back yet: the hash of its `state`, the PKCE verifier and
-- nonce that the callback needs, and what to do after (link to a signed-in account; hand a
-- one-time code to an app at its redirect URI, bound to the app's own PKCE challenge).
CREATE TABLE provider_logins (
    state_hash    BYTEA PRIMARY KEY,
    provider      TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    link_user     UUID,
    app_redirect  TEXT,
    app_challenge TEXT,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT
);

-- One-time codes an app exchanges (with its PKCE verifier) for a session after a provider sign-in.
CREATE TABLE app_codes (
    code_hash     BYTEA PRIMARY KEY,
    user_id       UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    app_challenge TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT
);
