// Every route of the app names its screen as analytics knows it, and an event's screens the event.

import { describe, expect, it } from 'vitest';
import { pageOf } from './pages';

const EVENT = '6f1c2a4e-2b7d-4c1e-9a55-0d7e3b1f9c21';

describe('the screen a path shows', () => {
  it('names every screen of the app', () => {
    const screens: [string, string][] = [
      ['/', 'discover'],
      ['/organize', 'organize'],
      ['/organize/new', 'new_event'],
      ['/meetings', 'meetings'],
      ['/messages', 'messages'],
      ['/profile', 'profile'],
      ['/account/security', 'account_security'],
      ['/signin', 'sign_in'],
      ['/signup', 'sign_up'],
      ['/verify-email', 'verify_email'],
      ['/forgot-password', 'reset_password'],
      ['/reset-password', 'reset_password'],
      ['/operator', 'operator'],
    ];
    for (const [path, page] of screens) expect(pageOf(path), path).toEqual({ page });
  });

  it('carries the event of an event’s screens', () => {
    expect(pageOf(`/events/${EVENT}`)).toEqual({ page: 'event', eventId: EVENT });
    expect(pageOf(`/events/${EVENT}/live`)).toEqual({ page: 'live', eventId: EVENT });
    expect(pageOf(`/events/${EVENT}/manage`)).toEqual({ page: 'manage_event', eventId: EVENT });
    expect(pageOf(`/events/${EVENT}/edit`)).toEqual({ page: 'edit_event', eventId: EVENT });
    expect(pageOf(`/events/${EVENT.toUpperCase()}/`)).toEqual({ page: 'event', eventId: EVENT });
  });

  it('names no event for a link that holds none, and no screen for a path the app redirects from', () => {
    expect(pageOf('/events/not-an-id')).toEqual({ page: 'event' });
    expect(pageOf(`/events/${EVENT}/nowhere`)).toBeNull();
    expect(pageOf('/no/such/page')).toBeNull();
    expect(pageOf('/organize/')).toEqual({ page: 'organize' });
  });
});
