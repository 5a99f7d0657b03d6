import { describe, expect, it } from 'vitest';
import { isOfflineReadable, offlineCacheKey, tokenUser } from './offlineApi';

const user = '0b6f3a4e-52c1-4c4e-9d0f-3f7c2a9e1d2b';
const base64url = (value: unknown) =>
  Buffer.from(JSON.stringify(value)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (claims: unknown) => `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}.signature`;

describe('which API answers are kept offline', () => {
  it('keeps reads of the API', () => {
    expect(isOfflineReadable('/api/v1/events/1')).toBe(true);
    expect(isOfflineReadable('/api/v1/me/events')).toBe(true);
  });

  it('never keeps a file export', () => {
    expect(isOfflineReadable('/api/v1/events/1/attendees.csv')).toBe(false);
    expect(isOfflineReadable('/api/v1/me/export')).toBe(false);
  });

  it('never keeps sign-in, the WebSocket or anything outside the API', () => {
    expect(isOfflineReadable('/api/v1/auth/refresh')).toBe(false);
    expect(isOfflineReadable('/api/v1/auth/login')).toBe(false);
    expect(isOfflineReadable('/api/v1/ws')).toBe(false);
    expect(isOfflineReadable('/docs/')).toBe(false);
    expect(isOfflineReadable('/events/1')).toBe(false);
  });
});

describe('whose request it is', () => {
  it('is the subject of the bearer token', () => {
    expect(tokenUser(`Bearer ${jwt({ sub: user, exp: 1 })}`)).toBe(user);
    expect(tokenUser(`bearer ${jwt({ sub: user.toUpperCase() })}`)).toBe(user);
  });

  it('is nobody without a readable token', () => {
    expect(tokenUser(null)).toBeNull();
    expect(tokenUser('Basic abc')).toBeNull();
    expect(tokenUser('Bearer not-a-jwt')).toBeNull();
    expect(tokenUser('Bearer a.%%%.c')).toBeNull();
    expect(tokenUser(`Bearer ${jwt({ sub: 'admin' })}`)).toBeNull();
    expect(tokenUser(`Bearer ${jwt({})}`)).toBeNull();
  });

  it('keeps copies of different people apart', () => {
    const other = '7c1e1a52-9a55-4f0e-8a61-0c7b1b0f4d11';
    const url = 'http://127.0.0.1:8080/api/v1/events?q=rust&limit=20';
    expect(offlineCacheKey(url, user)).not.toBe(offlineCacheKey(url, other));
    expect(offlineCacheKey(url, user)).toBe(`${url}&offline-user=${user}`);
  });
});
