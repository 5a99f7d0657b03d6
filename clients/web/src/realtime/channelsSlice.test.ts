import { describe, expect, it } from 'vitest';
import type { ChannelMessage } from '../app/types';
import reducer, {
  channelReset,
  historyLoaded,
  mergeByOffset,
  messageReceived,
  olderHistoryLoaded,
  presenceUpdated,
} from './channelsSlice';

const msg = (offset: number, channel = 'event:1:chat'): ChannelMessage => ({
  channel,
  offset,
  epoch: 1,
  body: { kind: 'chat', text: `m${offset}` },
  sent_at: '2026-11-25T19:00:00Z',
});

const offsets = (state: ReturnType<typeof reducer>, channel = 'event:1:chat') =>
  state[channel].messages.map((m) => m.offset);

describe('channels reducer', () => {
  it('appends live messages and ignores an offset it already has', () => {
    let state = reducer(undefined, messageReceived(msg(1)));
    state = reducer(state, messageReceived(msg(2)));
    state = reducer(state, messageReceived(msg(2)));
    expect(offsets(state)).toEqual([1, 2]);
  });

  it('merges a history page that overlaps live messages, in offset order, each once', () => {
    let state = reducer(undefined, messageReceived(msg(5)));
    state = reducer(state, messageReceived(msg(6)));
    state = reducer(state, historyLoaded({ channel: 'event:1:chat', messages: [msg(3), msg(4), msg(5)] }));
    expect(offsets(state)).toEqual([3, 4, 5, 6]);
    expect(state['event:1:chat'].historyLoaded).toBe(true);
  });

  it('prepends older pages and follows their cursor to the first message', () => {
    const channel = 'event:1:chat';
    let state = reducer(undefined, historyLoaded({ channel, messages: [msg(51), msg(52)], older: 51 }));
    expect(state[channel].older).toBe(51);
    state = reducer(state, messageReceived(msg(53)));
    state = reducer(state, olderHistoryLoaded({ channel, messages: [msg(49), msg(50)], older: 49, before: 51 }));
    expect(offsets(state)).toEqual([49, 50, 51, 52, 53]);
    expect(state[channel].older).toBe(49);
    state = reducer(state, olderHistoryLoaded({ channel, messages: [msg(48)], older: null, before: 49 }));
    expect(offsets(state)[0]).toBe(48);
    expect(state[channel].older).toBeNull();
  });

  it('keeps the older pages it has when the newest page is loaded again', () => {
    const channel = 'event:1:chat';
    let state = reducer(undefined, historyLoaded({ channel, messages: [msg(51), msg(52)], older: 51 }));
    state = reducer(state, olderHistoryLoaded({ channel, messages: [msg(49), msg(50)], older: 49, before: 51 }));
    state = reducer(state, historyLoaded({ channel, messages: [msg(52), msg(53)], older: 52 }));
    expect(offsets(state)).toEqual([49, 50, 51, 52, 53]);
    expect(state[channel].older).toBe(49);
  });

  it('drops an older page asked for before the channel was reset', () => {
    const channel = 'event:1:chat';
    let state = reducer(undefined, historyLoaded({ channel, messages: [msg(51)], older: 51 }));
    state = reducer(state, channelReset(channel));
    state = reducer(state, olderHistoryLoaded({ channel, messages: [msg(50)], older: 50, before: 51 }));
    expect(offsets(state)).toEqual([]);
  });

  it('places a late, older message in order', () => {
    let state = reducer(undefined, messageReceived(msg(2)));
    state = reducer(state, messageReceived(msg(1)));
    expect(offsets(state)).toEqual([1, 2]);
  });

  it('keeps channels apart', () => {
    let state = reducer(undefined, messageReceived(msg(1, 'dm:a')));
    state = reducer(state, messageReceived(msg(1, 'dm:b')));
    expect(offsets(state, 'dm:a')).toEqual([1]);
    expect(offsets(state, 'dm:b')).toEqual([1]);
  });

  it('forgets the messages of a reset channel', () => {
    let state = reducer(undefined, historyLoaded({ channel: 'event:1:chat', messages: [msg(1)] }));
    state = reducer(state, channelReset('event:1:chat'));
    expect(offsets(state)).toEqual([]);
    expect(state['event:1:chat'].historyLoaded).toBe(false);
    expect(state['event:1:chat'].older).toBeNull();
  });

  it('tracks the online count and members from presence changes', () => {
    let state = reducer(undefined, presenceUpdated({ channel: 'event:1:presence', online: 2, joined: ['a', 'b'] }));
    state = reducer(state, presenceUpdated({ channel: 'event:1:presence', online: 2, joined: ['c'], left: ['a'] }));
    expect(state['event:1:presence'].online).toBe(2);
    expect([...state['event:1:presence'].members].sort()).toEqual(['b', 'c']);
  });

  it('mergeByOffset answers the same array when nothing is new', () => {
    const messages = [msg(1), msg(2)];
    expect(mergeByOffset(messages, [msg(2)])).toBe(messages);
  });
});
