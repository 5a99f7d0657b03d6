// The time, kept current while a screen is open, so that what depends on it (an event turning
// "Live now", the live room opening) changes on its own rather than at the next redraw.

import { useEffect, useState } from 'react';

/** Now, in Unix milliseconds, updated every `everyMs` (30 s by default). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
