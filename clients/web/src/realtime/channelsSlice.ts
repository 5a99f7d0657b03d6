// What the screens show of each followed channel: its messages in offset order (each offset at
// most once, whether it came live, from a resume or from a REST history page), and the latest
// presence count. The realtime client already drops repeats; merging by offset here also covers
// history pages that overlap live delivery.

import { createSlice, PayloadAction } from '@reduxjs/toolkit';
import type { Presence } from '../api/generated/protocol';
import type { ChannelMessage } from '../app/types';

export interface ChannelFeed {
  messages: ChannelMessage[];
  online: number | null;
  members: string[];
  /** Whether the stored history has been loaded over REST once since the last reset. */
  historyLoaded: boolean;
}

export type ChannelsState = Record<string, ChannelFeed>;

const emptyFeed = (): ChannelFeed => ({ messages: [], online: null, members: [], historyLoaded: false });

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
    historyLoaded(state, action: PayloadAction<{ channel: string; messages: ChannelMessage[] }>) {
      const f = feed(state, action.payload.channel);
      f.messages = mergeByOffset(f.messages, action.payload.messages);
      f.historyLoaded = true;
    },
    channelReset(state, action: PayloadAction<string>) {
      const f = feed(state, action.payload);
      f.messages = [];
      f.historyLoaded = false;
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

export const { messageReceived, historyLoaded, channelReset, presenceUpdated, channelsCleared } = channelsSlice.actions;
export default channelsSlice.reducer;
