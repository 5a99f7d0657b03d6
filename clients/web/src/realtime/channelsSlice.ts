// What the screens show of each followed channel: its messages in offset order (each offset at
// most once, whether it came live, from a resume or from a REST history page), and the latest
// presence count. The realtime client already drops repeats; merging by offset here also covers
// history pages that overlap live delivery. Older pages, loaded on request, are prepended the same
// way.

import { createSlice, PayloadAction } from '@reduxjs/toolkit';
import type { Presence } from '../api/generated/protocol';
import type { ChannelMessage } from '../app/types';

export interface ChannelFeed {
  messages: ChannelMessage[];
  online: number | null;
  members: string[];
  /** Whether the stored history has been loaded over REST once since the last reset. */
  historyLoaded: boolean;
  /** The `before` offset of the next older history page; null when there is none (or none known yet). */
  older: number | null;
}

export type ChannelsState = Record<string, ChannelFeed>;

const emptyFeed = (): ChannelFeed => ({
  messages: [],
  online: null,
  members: [],
  historyLoaded: false,
  older: null,
});

/** A history page: its messages in offset order, and the `before` offset of the page after it. */
export interface HistoryPage {
  channel: string;
  messages: ChannelMessage[];
  older?: number | null;
}

/** Inserts `incoming` into `messages` (sorted by offset), skipping offsets already there. */
export function mergeByOffset(messages: ChannelMessage[], incoming: ChannelMessage[]): ChannelMessage[] {
  if (incoming.length === 0) return messages;
  const byOffset = new Map<number, ChannelMessage>();
  for (const m of messages) byOffset.set(m.offset, m);
  let changed = false;
  for (const m of incoming) {
    if (!byOffset.has(m.offset)) {
      byOffset.set(m.offset, m);
      changed = true;
    }
  }
  if (!changed) return messages;
  return [...byOffset.values()].sort((a, b) => a.offset - b.offset);
}

const feed = (state: ChannelsState, channel: string): ChannelFeed => (state[channel] ??= emptyFeed());

const initialState: ChannelsState = {};

const channelsSlice = createSlice({
  name: 'channels',
  initialState,
  reducers: {
    messageReceived(state, action: PayloadAction<ChannelMessage>) {
      const f = feed(state, action.payload.channel);
      const last = f.messages[f.messages.length - 1];
      if (!last || action.payload.offset > last.offset) f.messages.push(action.payload);
      else f.messages = mergeByOffset(f.messages, [action.payload]);
    },
    historyLoaded(state, action: PayloadAction<HistoryPage>) {
      const { channel, messages, older = null } = action.payload;
      const f = feed(state, channel);
      // A feed that already reaches further back (earlier pages were loaded) keeps its own cursor.
      const reachedBack = f.messages.length > 0 && messages.length > 0 && f.messages[0].offset < messages[0].offset;
      f.messages = mergeByOffset(f.messages, messages);
      f.historyLoaded = true;
      if (!reachedBack) f.older = older;
    },
    olderHistoryLoaded(state, action: PayloadAction<HistoryPage & { before: number }>) {
      const { channel, messages, older = null, before } = action.payload;
      const f = feed(state, channel);
      // A page asked for before a reset (or a reload of the newest page) no longer fits the feed.
      if (f.older !== before) return;
      f.messages = mergeByOffset(f.messages, messages);
      f.older = older;
    },
    channelReset(state, action: PayloadAction<string>) {
      const f = feed(state, action.payload);
      f.messages = [];
      f.historyLoaded = false;
      f.older = null;
    },
    presenceUpdated(state, action: PayloadAction<Presence>) {
      const { channel, online, joined = [], left = [] } = action.payload;
      const f = feed(state, channel);
      f.online = online;
      const members = new Set(f.members);
      for (const id of joined) members.add(id);
      for (const id of left) members.delete(id);
      f.members = [...members];
    },
    channelsCleared() {
      return {};
    },
  },
});

export const { messageReceived, historyLoaded, olderHistoryLoaded, channelReset, presenceUpdated, channelsCleared } =
  channelsSlice.actions;
export default channelsSlice.reducer;
