// The tracker the screens record with, through React's context: the app's own from main.tsx,
// or, where there is none (a component rendered on its own), one that records nothing.

import { createContext, useContext } from 'react';
import type { UsageTracker } from './tracker';

/** What screens do with the tracker. */
export type Recorder = Pick<UsageTracker, 'pageView' | 'open'>;

const nowhere: Recorder = {
  pageView: () => undefined,
  open: () => undefined,
};

export const TrackerContext = createContext<Recorder>(nowhere);

export const useTracker = (): Recorder => useContext(TrackerContext);
