import { afterEach, describe, expect, it, vi } from 'vitest';
import { providerReturn, safeReturnPath, startProviderSignIn, takeProviderReturn } from './providers';

class MemoryStorage {
  items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
}

describe('the way back from an identity provider', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('brings the second factor’s ticket in the fragment, or the code of what went wrong', () => {
    expect(providerReturn('', '#mfa_ticket=abc-DEF_123')).toEqual({
      ticket: 'abc-DEF_123',
      methods: null,
      error: null,
    });
    expect(providerReturn('', '#mfa_ticket=t&methods=passkey,recovery_code,carrier_pigeon')).toEqual({
      ticket: 't',
      methods: ['passkey', 'recovery_code'],
      error: null,
    });
    expect(providerReturn('?provider_error=unverified_email', '')).toEqual({
      ticket: null,
      methods: null,
      error: 'unverified_email',
    });
    expect(providerReturn('', '')).toEqual({ ticket: null, methods: null, error: null });
    expect(providerReturn('?provider_error=', '#mfa_ticket=&methods=totp')).toEqual({
      ticket: null,
      methods: null,
      error: null,
    });
  });

  it('comes back only to pages of this app', () => {
    expect(safeReturnPath('/events/42?tab=chat')).toBe('/events/42?tab=chat');
    for (const elsewhere of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'events/42', '', null]) {
      expect(safeReturnPath(elsewhere)).toBeNull();
    }
  });

  it('remembers the page that asked for a sign-in, once and for a while', () => {
    const storage = new MemoryStorage();
    const assign = vi.fn();
    vi.stubGlobal('sessionStorage', storage);
    vi.stubGlobal('localStorage', new MemoryStorage());
    vi.stubGlobal('window', { location: { assign } });
    startProviderSignIn('google', '/events/42');
    expect(assign).toHaveBeenCalledWith('/api/v1/auth/oidc/google/start');
    expect(takeProviderReturn()).toBe('/events/42');
    expect(takeProviderReturn()).toBeNull();
    startProviderSignIn('google', '/events/42');
    expect(takeProviderReturn(Date.now() + 16 * 60_000)).toBeNull();
    startProviderSignIn('google', 'https://evil.example/');
    expect(takeProviderReturn()).toBeNull();
  });
});
