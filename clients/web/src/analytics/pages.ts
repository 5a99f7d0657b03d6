// The screen a path of the app shows, as analytics names it (the `Page` of a `page_view`): the
// routes of App.tsx, never the address itself, so no search words or tokens from a query string
// ever reach the analytics.

import type { Page } from '../app/types';

export interface PageSeen {
  page: Page;
  /** The event the screen is about (an event's page, live room, manage and edit screens). */
  eventId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Screens with a path of their own. */
const SCREENS: Record<string, Page> = {
  '/': 'discover',
  '/organize': 'organize',
  '/organize/new': 'new_event',
  '/meetings': 'meetings',
  '/messages': 'messages',
  '/profile': 'profile',
  '/account/security': 'account_security',
  '/signin': 'sign_in',
  '/signup': 'sign_up',
  '/verify-email': 'verify_email',
  // Asking for the link is the first step of resetting a password.
  '/forgot-password': 'reset_password',
  '/reset-password': 'reset_password',
  '/operator': 'operator',
};

/** An event's screens, by what follows `/events/{id}`. */
const EVENT_SCREENS: Record<string, Page> = {
  '': 'event',
  '/live': 'live',
  '/manage': 'manage_event',
  '/edit': 'edit_event',
};

/**
 * The screen at `pathname`; null for a path the app only redirects from. An event's id is kept
 * only when it is one (a mistyped link names no event).
 */
export function pageOf(pathname: string): PageSeen | null {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (Object.hasOwn(SCREENS, path)) return { page: SCREENS[path] };
  const event = /^\/events\/([^/]+)(\/[^/]+)?$/.exec(path);
  if (!event) return null;
  const rest = event[2] ?? '';
  if (!Object.hasOwn(EVENT_SCREENS, rest)) return null;
  const id = event[1];
  return UUID.test(id) ? { page: EVENT_SCREENS[rest], eventId: id.toLowerCase() } : { page: EVENT_SCREENS[rest] };
}
