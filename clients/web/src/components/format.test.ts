import { describe, expect, it } from 'vitest';
import { fromLocalInput, initials, isLive, toLocalInput } from './format';

describe('format', () => {
  it('turns a datetime-local value into RFC 3339 with the local offset, naming the same instant', () => {
    const value = '2026-11-26T19:30';
    const rfc3339 = fromLocalInput(value);
    expect(rfc3339).toMatch(/^2026-11-26T19:30:00[+-]\d\d:\d\d$/);
    expect(new Date(rfc3339).getTime()).toBe(new Date(value).getTime());
    expect(toLocalInput(new Date(rfc3339))).toBe(value);
  });

  it('opens the live room a day before the start, with check-in, until the end', () => {
    const start = Date.UTC(2026, 10, 26, 18);
    const end = start + 3 * 3600_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(isLive(iso(start), iso(end), start - 25 * 3600_000)).toBe(false);
    expect(isLive(iso(start), iso(end), start - 23 * 3600_000)).toBe(true);
    expect(isLive(iso(start), iso(end), end)).toBe(false);
  });

  it('makes initials from one or several names', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('  plato ')).toBe('PL');
    expect(initials('Jean Claude Van Damme')).toBe('JD');
  });
});
