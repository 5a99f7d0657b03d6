import { describe, expect, it } from 'vitest';
import { keepOpsToken, keptOpsToken } from './ops';

/** sessionStorage as a map. */
function storage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe('the operator token', () => {
  it('is kept for the tab until it is forgotten', () => {
    const tab = storage();
    expect(keptOpsToken(tab)).toBeNull();
    keepOpsToken('ops-secret', tab);
    expect(keptOpsToken(tab)).toBe('ops-secret');
    keepOpsToken(null, tab);
    expect(keptOpsToken(tab)).toBeNull();
  });

  it('lasts as long as the page where there is no storage', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => undefined,
    };
    expect(() => keepOpsToken('ops-secret', broken)).not.toThrow();
    expect(keptOpsToken(broken)).toBeNull();
    expect(keptOpsToken(undefined)).toBeNull();
  });
});
