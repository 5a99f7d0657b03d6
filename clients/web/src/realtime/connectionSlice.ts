// The realtime connection's state, for the indicator every screen shows.

import { createSlice, PayloadAction } from '@reduxjs/toolkit';
import type { ConnectionState } from './client';

const initialState: ConnectionState = { status: 'idle', attempt: 0, retryAt: null };

const connectionSlice = createSlice({
  name: 'connection',
  initialState,
  reducers: {
    connectionChanged: (_state, action: PayloadAction<ConnectionState>) => action.payload,
  },
});

export const { connectionChanged } = connectionSlice.actions;
export default connectionSlice.reducer;
