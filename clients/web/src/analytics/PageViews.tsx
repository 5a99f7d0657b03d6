// A `page_view` for every screen the app moves to. Only a new path counts: the Discover search
// rewriting its query string as someone types is the same screen.

import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router-dom';
import { useTracker } from './context';
import { pageOf } from './pages';

export function PageViews() {
  const { pathname } = useLocation();
  const tracker = useTracker();
  const last = useRef<string | null>(null);
  useEffect(() => {
    if (last.current === pathname) return;
    last.current = pathname;
    const seen = pageOf(pathname);
    if (seen) tracker.pageView(seen.page, seen.eventId);
  }, [pathname, tracker]);
  return null;
}
