// The browser tab's title: every screen names itself, so that tabs, the history and shared links
// read well. The server writes an event's page the same way ("Rust Night · Mingle"), so a shared
// link shows the event's title before the app starts (server/src/http/web.rs).

import { useEffect } from 'react';

/** A screen's name as the tab shows it: "Discover · Mingle". */
export function documentTitle(name: string): string {
  return `${name} · Mingle`;
}

/** Titles the tab after the screen while it shows; `undefined` (still loading) keeps the title it has. */
export function useTitle(name: string | undefined): void {
  useEffect(() => {
    if (name !== undefined) document.title = documentTitle(name);
  }, [name]);
}
