// Signing in through an identity provider in the browser: the page leaves for the server's
// `start`, which sends it on to the provider; the provider sends it back to the server, which
// sends it to the app: to `/` signed in (the refresh cookie set, see session.ts), to
// `/signin#mfa_ticket=...` when the second factor is next, or to `/signin?provider_error=...`.

import { markProviderSignIn } from './session';

/** Leaves for `provider`'s sign-in (or sign-up: the first one makes the account). */
export function startProviderSignIn(provider: string): void {
  markProviderSignIn();
  window.location.assign(`/api/v1/auth/oidc/${encodeURIComponent(provider)}/start`);
}

/**
 * What the server's redirect back from a provider brought to the sign-in screen: a second-factor
 * ticket (in the fragment, which never reaches a server or a log) or the code of what went wrong.
 */
export function providerReturn(search: string, hash: string): { ticket: string | null; error: string | null } {
  const ticket = new URLSearchParams(hash.replace(/^#/, '')).get('mfa_ticket');
  const error = new URLSearchParams(search).get('provider_error');
  return { ticket: ticket || null, error: error || null };
}
