// The time, kept current while a screen is open, so that what depends on it (an event turning
// "Live now", the live room opening) changes on its own rather than at the next redraw. One
// clock ticks for every component that reads it, and only while one does.

import { useSyncExternalStore } from 'react';

/** How often the shared clock moves on. */
const TICK_MS = 30_000;

let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
const readers = new Set<() => void>();

function subscribe(reader: () => void): () => void {
  if (readers.size === 0) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      readers.forEach((read) => read());
    }, TICK_MS);
  }
  readers.add(reader);
  return () => {
    readers.delete(reader);
    if (readers.size === 0) clearInterval(timer);
  };
}

/** Now, in Unix milliseconds, moving on every 30 s while any component reads it. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
