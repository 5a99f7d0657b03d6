import { configureStore } from '@reduxjs/toolkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from './api';
import authReducer, { signedOut } from './authSlice';
import { keepOpsToken, keptOpsToken, opsApi } from './ops';

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

describe('ending an experiment early', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks for the kind’s own experiment with the operator token, and reads the registry again', async () => {
    const asked: { path: string; method: string; auth: string | undefined }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((path: string, init: RequestInit & { headers: Record<string, string> }) => {
        asked.push({ path, method: init.method ?? 'GET', auth: init.headers.authorization });
        const body = path === '/ops/models' ? { versions: [], running: [], decisions: [] } : { kind: 'matcher' };
        return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
      }),
    );
    const store = configureStore({
      reducer: { [api.reducerPath]: api.reducer, auth: authReducer },
      preloadedState: { auth: signedOut },
      middleware: (getDefault) => getDefault().concat(api.middleware),
    });
    const registry = store.dispatch(opsApi.endpoints.modelRegistry.initiate({ token: 'ops-secret' }));
    await registry;
    await store.dispatch(
      opsApi.endpoints.forceDecision.initiate({ token: 'ops-secret', kind: 'matcher', verdict: 'rollback' }),
    );
    await vi.waitFor(() => expect(asked).toHaveLength(3));
    expect(asked).toEqual([
      { path: '/ops/models', method: 'GET', auth: 'Bearer ops-secret' },
      { path: '/ops/models/matcher/rollback', method: 'POST', auth: 'Bearer ops-secret' },
      { path: '/ops/models', method: 'GET', auth: 'Bearer ops-secret' },
    ]);
    registry.unsubscribe();
  });
});
