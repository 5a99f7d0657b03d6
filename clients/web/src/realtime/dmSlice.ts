// Direct messages the user has not read yet. A `dm` notice on the user's own channel counts one
// for its conversation, unless that conversation is on screen or the message it tells of has
// been shown already; opening a conversation clears it. The second rule matters because a notice
// and its message travel separately: the notice may come after the message was read and its
// conversation closed.
// The count lives in memory only: after a reload the conversation list still shows the latest
// message of each conversation.

import { createSlice, PayloadAction } from '@reduxjs/toolkit';
import type { DmNotice } from '../app/types';

export interface DmState {
  /** Unread messages per conversation id. */
  unread: Record<string, number>;
  /** Conversations on screen now (several panels may show the same one). */
  viewing: Record<string, number>;
  /**
   * Newest offset per conversation that was noticed or shown, so a replayed notice counts once
   * and a late notice of a message already read counts not at all.
   */
  seen: Record<string, number>;
}

export const initialDmState: DmState = { unread: {}, viewing: {}, seen: {} };

const dmSlice = createSlice({
  name: 'dm',
  initialState: initialDmState,
  reducers: {
    dmNoticed(state, action: PayloadAction<DmNotice>) {
      const { conversation_id: id, offset } = action.payload;
      if ((state.seen[id] ?? 0) >= offset) return;
      state.seen[id] = offset;
      if ((state.viewing[id] ?? 0) > 0) return;
      state.unread[id] = (state.unread[id] ?? 0) + 1;
    },
    conversationShown(state, action: PayloadAction<string>) {
      const id = action.payload;
      state.viewing[id] = (state.viewing[id] ?? 0) + 1;
      delete state.unread[id];
    },
    /** A conversation on screen showed its messages up to `offset`. */
    conversationRead(state, action: PayloadAction<{ id: string; offset: number }>) {
      const { id, offset } = action.payload;
      if ((state.seen[id] ?? 0) < offset) state.seen[id] = offset;
    },
    conversationHidden(state, action: PayloadAction<string>) {
      const id = action.payload;
      const left = (state.viewing[id] ?? 0) - 1;
      if (left > 0) state.viewing[id] = left;
      else delete state.viewing[id];
    },
    dmCleared() {
      return initialDmState;
    },
  },
});

/** How many conversations have unread messages. */
export const unreadConversations = (state: DmState): number => Object.keys(state.unread).length;

export const { dmNoticed, conversationShown, conversationRead, conversationHidden, dmCleared } = dmSlice.actions;
export default dmSlice.reducer;
