import { describe, expect, it, vi } from 'vitest';
import { api } from '../app/api';
import { makeStore } from '../app/store';
import type { MessageBody } from '../app/types';
import { applyUserMessage } from './userChannel';

const suggestion = {
  user: { id: 'u2', display_name: 'Ben', headline: 'Rust' },
  score: 0.8,
  reasons: ['Both into Rust'],
};

const dm: MessageBody = {
  kind: 'dm',
  conversation_id: 'c1',
  channel: 'dm:c1',
  offset: 3,
  from: { id: 'u2', display_name: 'Ben' },
  preview: 'hi',
  sent_at: '2026-11-25T19:00:00Z',
};

describe('applyUserMessage', () => {
  it('replaces the cached suggestion list with a pushed one', async () => {
    const store = makeStore();
    applyUserMessage(store.dispatch, { kind: 'suggestions', event_id: 'e1', items: [suggestion] });
    await vi.waitFor(() =>
      expect(api.endpoints.suggestions.select('e1')(store.getState()).data).toEqual({ items: [suggestion] }),
    );
  });

  it('counts a direct message notice once however often it is replayed', () => {
    const store = makeStore();
    applyUserMessage(store.dispatch, dm);
    applyUserMessage(store.dispatch, dm);
    expect(store.getState().dm.unread).toEqual({ c1: 1 });
  });

  it('ignores kinds it does not know', () => {
    const store = makeStore();
    const before = store.getState();
    applyUserMessage(store.dispatch, { kind: 'something_new' } as unknown as MessageBody);
    expect(store.getState()).toBe(before);
  });
});
