import { describe, expect, it } from 'vitest';
import type { DmNotice } from '../app/types';
import reducer, {
  conversationHidden,
  conversationRead,
  conversationShown,
  dmCleared,
  dmNoticed,
  initialDmState,
  unreadConversations,
} from './dmSlice';

const notice = (conversation: string, offset: number): DmNotice => ({
  conversation_id: conversation,
  channel: `dm:${conversation}`,
  offset,
  from: { id: 'u1', display_name: 'Ada' },
  preview: 'hi',
  sent_at: '2026-11-25T19:00:00Z',
});

describe('dmSlice', () => {
  it('counts notices per conversation, each offset once', () => {
    let s = reducer(initialDmState, dmNoticed(notice('c1', 1)));
    s = reducer(s, dmNoticed(notice('c1', 2)));
    s = reducer(s, dmNoticed(notice('c1', 2)));
    s = reducer(s, dmNoticed(notice('c2', 1)));
    expect(s.unread).toEqual({ c1: 2, c2: 1 });
    expect(unreadConversations(s)).toBe(2);
  });

  it('does not count a conversation on screen, and clears one when it is shown', () => {
    let s = reducer(initialDmState, dmNoticed(notice('c1', 1)));
    s = reducer(s, conversationShown('c1'));
    expect(unreadConversations(s)).toBe(0);
    s = reducer(s, dmNoticed(notice('c1', 2)));
    expect(s.unread).toEqual({});
    s = reducer(s, conversationShown('c1'));
    s = reducer(s, conversationHidden('c1'));
    s = reducer(s, dmNoticed(notice('c1', 3)));
    expect(s.unread).toEqual({});
    s = reducer(s, conversationHidden('c1'));
    s = reducer(s, dmNoticed(notice('c1', 4)));
    expect(s.unread).toEqual({ c1: 1 });
    expect(reducer(s, dmCleared())).toEqual(initialDmState);
  });

  it('does not count a notice of a message already shown, even when it comes after the conversation closed', () => {
    let s = reducer(initialDmState, conversationShown('c1'));
    s = reducer(s, conversationRead({ id: 'c1', offset: 2 }));
    s = reducer(s, conversationHidden('c1'));
    s = reducer(s, dmNoticed(notice('c1', 2)));
    expect(s.unread).toEqual({});
    s = reducer(s, conversationRead({ id: 'c1', offset: 1 }));
    s = reducer(s, dmNoticed(notice('c1', 3)));
    expect(s.unread).toEqual({ c1: 1 });
  });
});
