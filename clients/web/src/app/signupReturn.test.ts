import { afterEach, describe, expect, it, vi } from 'vitest';
import { rememberSignupReturn, takeSignupReturn } from './signupReturn';

class MemoryStorage {
  items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
}

describe('the way back after a sign-up confirmed by mail', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('leads to the page that asked for the sign-up, once, for that address and while the link works', () => {
    vi.stubGlobal('localStorage', new MemoryStorage());
    rememberSignupReturn(' Noor@Example.com ', '/events/42');
    expect(takeSignupReturn('noor@example.com')).toBe('/events/42');
    expect(takeSignupReturn('noor@example.com')).toBeNull();

    rememberSignupReturn('noor@example.com', '/events/42');
    expect(takeSignupReturn('someone.else@example.com')).toBeNull();
    expect(takeSignupReturn('noor@example.com')).toBeNull();

    const signedUp = Date.now();
    rememberSignupReturn('noor@example.com', '/events/42', signedUp);
    expect(takeSignupReturn('noor@example.com', signedUp + 49 * 3600_000)).toBeNull();
  });

  it('never leads to another site, and a sign-up from nowhere forgets an older page', () => {
    vi.stubGlobal('localStorage', new MemoryStorage());
    rememberSignupReturn('noor@example.com', 'https://evil.example/');
    expect(takeSignupReturn('noor@example.com')).toBeNull();
    rememberSignupReturn('noor@example.com', '/events/42');
    rememberSignupReturn('noor@example.com', undefined);
    expect(takeSignupReturn('noor@example.com')).toBeNull();
  });
});
