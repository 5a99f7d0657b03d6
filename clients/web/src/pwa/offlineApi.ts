// Which API answers the service worker keeps for offline use, and whose they are. Only reads
// (GET) of a signed-in person are kept, each under that person's id, so that nobody who signs in
// on the same device is ever shown another person's copies; signing out deletes them all.

/** The Cache Storage name of the kept API answers. */
export const OFFLINE_API_CACHE = 'mingle-api';

/**
 * API paths whose answers may be kept: every read except sign-in, the WebSocket and file exports
 * (an export made offline must fail, not quietly save an old copy), the account's data included.
 */
export function isOfflineReadable(pathname: string): boolean {
  return (
    pathname.startsWith('/api/v1/') &&
    !pathname.startsWith('/api/v1/auth/') &&
    pathname !== '/api/v1/ws' &&
    pathname !== '/api/v1/me/export' &&
    !pathname.endsWith('.csv')
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whose request this is: the user id (`sub`) of the bearer access token in an `Authorization`
 * header, or null. The token is not verified here (the server does that); its subject only
 * decides under whose name a copy is kept and looked up.
 */
export function tokenUser(authorization: string | null): string | null {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='))) as {
      sub?: unknown;
    };
    return typeof claims.sub === 'string' && UUID.test(claims.sub) ? claims.sub.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** The key a kept answer is stored under: its URL, with the person it belongs to. */
export function offlineCacheKey(url: string, user: string): string {
  const keyed = new URL(url);
  keyed.searchParams.set('offline-user', user);
  return keyed.href;
}

/** Deletes every kept API answer (on sign-out). Browsers without Cache Storage have none. */
export async function forgetOfflineCopies(): Promise<void> {
  if (typeof caches === 'undefined') return;
  await caches.delete(OFFLINE_API_CACHE).catch(() => false);
}
