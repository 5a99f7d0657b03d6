-- Sign-up that confirms the address first (MINGLE_SIGNUP_VERIFY_FIRST): such an account exists
-- from the first request, but nobody signs in to it until the link mailed to its address is
-- opened (or a password is set through a reset link, or a provider vouches for the address).

-- When the account was registered, while it waits for its address; NULL for an account in use.
ALTER TABLE users ADD COLUMN pending_since BIGINT;
-- A later sign-up for the same waiting address came with another password: which of the two is
-- the owner's is unknown, so the owner finishes by choosing a password through a mailed link,
-- and no link keeps either password.
ALTER TABLE users ADD COLUMN pending_contested BOOLEAN NOT NULL DEFAULT FALSE;
