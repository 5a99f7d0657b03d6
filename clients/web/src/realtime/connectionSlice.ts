// The realtime connection's state, for the indicator every screen shows.

import { createSlice, PayloadAction } from '@reduxjs/toolkit';
import type { ConnectionState } from './client';

const connectionSlice = createSlice({
  name: 'connection',
  initialState: { status: 'idle', attempt: 0, retryAt: null } as ConnectionState,
  reducers: {
    connectionChanged: (_state, action: PayloadAction<ConnectionState>) => action.payload,
  },
});

export const { connectionChanged } = connectionSlice.actions;
export default connectionSlice.reducer;
