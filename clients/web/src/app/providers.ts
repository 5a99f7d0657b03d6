// Signing in through an identity provider in the browser: the page leaves for the server's
// `start`, which sends it on to the provider; the provider sends it back to the server, which
// sends it to the app: to `/` signed in (the refresh cookie set, see session.ts), to
// `/signin#mfa_ticket=...` when the second factor is next, or to `/signin?provider_error=...`.

import { markProviderSignIn } from './session';
import type { Schemas } from './types';

type MfaMethod = Schemas['MfaMethod'];

/** Where the page that sent the person to a provider is remembered, with when. */
const RETURN_KEY = 'mingle.providerReturnTo';
/** How long that is remembered: a sign-in at a provider takes minutes, not hours. */
const RETURN_FOR_MS = 15 * 60_000;

/** `path` when it is a page of this app (never another site's address), else null. */
export function safeReturnPath(path: string | null | undefined): string | null {
  if (!path || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return null;
  return path;
}

/**
 * Leaves for `provider`'s sign-in (or sign-up: the first one makes the account), to come back to
 * `returnTo` (the page that asked the person to sign in) once signed in.
 */
export function startProviderSignIn(provider: string, returnTo?: string | null): void {
  markProviderSignIn();
  const path = safeReturnPath(returnTo);
  try {
    if (path) sessionStorage.setItem(RETURN_KEY, JSON.stringify({ path, at: Date.now() }));
    else sessionStorage.removeItem(RETURN_KEY);
  } catch {
    // Storage refused (a private window): the way back lands on the front page.
  }
  window.location.assign(`/api/v1/auth/oidc/${encodeURIComponent(provider)}/start`);
}

/** The page a provider sign-in started from, once (then forgotten); null when none or stale. */
export function takeProviderReturn(now = Date.now()): string | null {
  try {
    const raw = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    if (!raw) return null;
    const { path, at } = JSON.parse(raw) as { path?: string; at?: number };
    if (typeof at !== 'number' || now - at > RETURN_FOR_MS) return null;
    return safeReturnPath(path);
  } catch {
    return null;
  }
}

/** The second factors a sign-in can finish with, as the server names them. */
const MFA_METHODS: readonly MfaMethod[] = ['totp', 'recovery_code', 'passkey'];

/**
 * What the server's redirect back from a provider brought to the sign-in screen: a second-factor
 * ticket with the ways to finish (in the fragment, which never reaches a server or a log), or the
 * code of what went wrong. `methods` is null when the server named none (offer every way).
 */
export function providerReturn(
  search: string,
  hash: string,
): { ticket: string | null; methods: MfaMethod[] | null; error: string | null } {
  const fragment = new URLSearchParams(hash.replace(/^#/, ''));
  const ticket = fragment.get('mfa_ticket');
  const named = (fragment.get('methods') ?? '')
    .split(',')
    .filter((m): m is MfaMethod => (MFA_METHODS as readonly string[]).includes(m));
  const error = new URLSearchParams(search).get('provider_error');
  return { ticket: ticket || null, methods: ticket && named.length > 0 ? named : null, error: error || null };
}
