// Where a sign-up that confirms the address first goes once the mailed link is opened: the page
// that asked the person to sign up (an event they wanted to RSVP to), as a sign-up that signs in
// at once would. The link is opened later, often in a new tab, so the page is remembered in
// localStorage, with the address it is for, for as long as the link works.

import { safeReturnPath } from './providers';

const RETURN_KEY = 'mingle.signupReturnTo';
/** How long a link that finishes a sign-up works. */
const RETURN_FOR_MS = 48 * 3600_000;

/** Remembers `from` (or forgets any earlier page, without one) for the sign-up of `email`. */
export function rememberSignupReturn(email: string, from: string | null | undefined, now = Date.now()): void {
  const path = safeReturnPath(from);
  try {
    if (path) localStorage.setItem(RETURN_KEY, JSON.stringify({ email: email.trim().toLowerCase(), path, at: now }));
    else localStorage.removeItem(RETURN_KEY);
  } catch {
    // Storage refused (a private window): the finished sign-up starts at the profile.
  }
}

/** The page the sign-up of `email` started from, once (then forgotten); null when none or stale. */
export function takeSignupReturn(email: string, now = Date.now()): string | null {
  try {
    const raw = localStorage.getItem(RETURN_KEY);
    if (!raw) return null;
    localStorage.removeItem(RETURN_KEY);
    const { email: remembered, path, at } = JSON.parse(raw) as { email?: string; path?: string; at?: number };
    if (remembered !== email.trim().toLowerCase() || typeof at !== 'number' || now - at > RETURN_FOR_MS) return null;
    return safeReturnPath(path);
  } catch {
    return null;
  }
}
