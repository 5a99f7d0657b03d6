// Generated from docs/openapi.json by `npm run gen` in clients/web; do not edit.

export interface paths {
  '/api/v1/analytics/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Page views and opens from a client, up to 100 events and 64 KiB, taken whole or refused whole.
     *     A signed-in client authenticates with its bearer token or, from `navigator.sendBeacon` (which
     *     cannot set headers), with `access_token` in the body; signed out, only page views are taken.
     *     Page views from a browser that sends `DNT: 1` or `Sec-GPC: 1` are left out (`ignored`). The
     *     events are queued and written within about a second, never on this request's path.
     */
    post: operations['record_events'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/email/resend': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Ask for a new link that finishes signing up. Answers 202 whatever the address, and mails a
     *     link only when a sign-up waits for it.
     */
    post: operations['resend_signup_link'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/email/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Open a link mailed to confirm an address, or to move the account to a new one. A link that
     *     finishes a sign-up also signs in: the answer carries the session (in the web app's cookie
     *     with `X-Refresh-Cookie: 1`, as after login).
     */
    post: operations['verify_email'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign in with e-mail and password. When the account has a second factor, the answer is a
     *     ticket for `POST /auth/mfa` instead of the session.
     */
    post: operations['login'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign out: ends the session the refresh token belongs to, its access tokens and sockets
     *     included. Idempotent.
     */
    post: operations['logout'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/mfa': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Finish signing in with the second factor: the ticket from login and a code from the
     *     authenticator app (`code`), a recovery code (`recovery_code`), or a passkey's answer
     *     (`passkey`, to a challenge from `POST /auth/passkey/options` with the ticket).
     */
    post: operations['mfa'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/oidc/token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * An app exchanges its one-time code and PKCE verifier for the session (or, with a second
     *     factor, a ticket for `POST /auth/mfa`).
     */
    post: operations['app_token'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/oidc/{provider}/callback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Where a provider sends the browser back. Signs in (the refresh token in the web app's
     *     cookie) and redirects to the app: `/` on success, `/signin#mfa_ticket=...` when the second
     *     factor is next, `/signin?provider_error={code}` on failure; a link goes back to
     *     `/account/security?linked={provider}` (or `?link_error={code}`); an app's sign-in goes to its
     *     redirect URI with `?code=` (or `?error=`).
     */
    get: operations['callback'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/oidc/{provider}/link': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Link a provider to the signed-in account: answers the URL to send the browser to. */
    post: operations['start_link'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/oidc/{provider}/start': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Sign in (or sign up) through a provider: redirects the browser to it. */
    get: operations['start'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/passkey': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Sign in with a passkey alone: the answer to a challenge from `POST /auth/passkey/options`
     *     (without a ticket). A passkey verifies its user, so no second factor follows.
     */
    post: operations['sign_in'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/passkey/options': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start signing in with a passkey. Without a ticket: any passkey this site registered, no
     *     e-mail needed. With the ticket from `POST /auth/login` (or a provider sign-in): one of that
     *     account's passkeys, as the second factor, finished with `POST /auth/mfa`.
     */
    post: operations['sign_in_options'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/password/forgot': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Ask for a password-reset link. Answers 202 whether or not the address has an account, and
     *     mails a link only when it has.
     */
    post: operations['forgot_password'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/password/reset': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Set a new password with the token from a reset link. Every session of the account ends. For a
     *     sign-up still waiting for its address, the link proves the mailbox: the address is verified
     *     and the account works from now on.
     */
    post: operations['reset_password'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/providers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The identity providers people may sign in with. */
    get: operations['list_providers'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/refresh': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Exchange a refresh token for a new access token and a new refresh token.
     * @description Refresh tokens are single use. Presenting one that was already used revokes every token of
     *     that session, which signs out both a thief and the real user.
     */
    post: operations['refresh'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/register': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Create an account. Without address confirmation first: signed in at once (201), a link to
     *     confirm the address mailed to it. With it (`MINGLE_SIGNUP_VERIFY_FIRST`): 202 and the same
     *     body whether or not the address has an account; the mail says what comes next, and the
     *     account works once the link in it is opened.
     */
    post: operations['register'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/channels/{channel}/messages': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Stored messages of a channel the caller may read, newest first. `next_cursor` is the offset to
     *     pass as `before` for older ones.
     */
    get: operations['history'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/conversations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The signed-in user's conversations, newest activity first, each with the other person and the
     *     last message. Pass `next_cursor` as `cursor` for older ones. A conversation is closed (not
     *     listed, not readable, not writable) while either person has blocked the other or hidden
     *     their profile.
     */
    get: operations['list_conversations'];
    put?: never;
    /** Open (or find) the direct conversation with another user; subscribe to its `channel` to chat. */
    post: operations['open_conversation'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Search public events: full text over title, description and tags; by tag; by time window;
     *     by distance from a point. Ordered by start time. Without `from`, events that have already
     *     ended are left out.
     */
    get: operations['search_events'];
    put?: never;
    /** Create an event; the caller becomes its owner and first organizer. */
    post: operations['create_event'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One event, public or unlisted. Organizers also see its check-in code. */
    get: operations['get_event'];
    put?: never;
    post?: never;
    /** Delete an event with its RSVPs and announcements (owner only). */
    delete: operations['delete_event'];
    options?: never;
    head?: never;
    /**
     * Edit an event (organizers). Absent fields stay; `null` clears `venue`, `online_url` or
     *     `capacity`. Raising the capacity promotes people from the waitlist.
     */
    patch: operations['update_event'];
    trace?: never;
  };
  '/api/v1/events/{id}/activity': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Running totals of RSVPs, check-ins, meeting requests, people who asked for one and meetings
     *     accepted at the event, in at most 48 buckets
     *     from just before the first of them until now. Organizers only.
     */
    get: operations['event_activity'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/analytics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * How the event is doing: its funnel (people who viewed it, RSVP'd, checked in, chatted, asked
     *     for a meeting, had one accepted, met someone), the same over time, where its RSVPs came from
     *     (recommendations, search, browsing, notifications, a direct link), and the share of checked-in
     *     attendees with an accepted meeting. Organizers only; read from rollups, about a second behind.
     */
    get: operations['event_analytics'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/analytics/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One chart of `GET /events/{id}/analytics` as CSV, for a spreadsheet. Organizers only. */
    get: operations['export_event_analytics'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/announcements': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The event's announcements, newest first. */
    get: operations['list_announcements'];
    put?: never;
    /** Post an announcement to the event (organizers). */
    post: operations['post_announcement'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/attendees': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Who is coming. Organizers see everyone with a seat or on the waitlist; others see attendees
     *     whose profile visibility allows it, never across a block. An unlisted event's list is for
     *     its organizers and the people going or waitlisted only.
     */
    get: operations['list_attendees'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/attendees.csv': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Everyone going or waitlisted, in the order they answered, as CSV (UTF-8): name, headline,
     *     status, waitlist position, when they answered and when they checked in, in the event's time
     *     zone. Organizers only.
     */
    get: operations['attendees_csv'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/checkin': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Check in. Organizers send the attendee's `user_id` or personal `code`; attendees check
     *     themselves in with the event's check-in `code`, or, at an online-only event (no venue, so no
     *     code shown anywhere), with nothing at all: joining is being there. Open from 24 hours before
     *     the start until the end.
     */
    post: operations['check_in'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/meetings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Ask another attendee for a meeting at the event, at a time within it. */
    post: operations['request_meeting'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/meetings/free-times': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The first times during the event, on quarter hours, when neither the caller nor `with` has
     *     an arranged meeting: what to offer when a requested time clashes.
     */
    get: operations['free_times'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/organizers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Add a co-organizer (organizers). */
    post: operations['add_organizer'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/organizers/{user_id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Remove a co-organizer: the owner removes anyone but themselves; a co-organizer may step down. */
    delete: operations['remove_organizer'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/rsvp': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's RSVP to the event. */
    get: operations['get_rsvp'];
    put?: never;
    /**
     * RSVP `going` or `interested`. Going takes a seat, or a place on the waitlist when the event
     *     is full (answered as `waitlisted` with a position); waitlisted people get seats in the order
     *     they joined as seats free up.
     */
    post: operations['set_rsvp'];
    /** Withdraw the caller's RSVP; a freed seat goes to the first person on the waitlist. */
    delete: operations['cancel_rsvp'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/segments': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The event's audience (everyone with an RSVP) in groups of people with similar profiles,
     *     largest first, each named by its most common interests. Organizers only; only counts and
     *     interests are shown, never who is in a group.
     */
    get: operations['audience_segments'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/suggestions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The caller's "people to meet" at the event, best first, each with its reasons. The same list
     *     is pushed on `user:{id}` whenever it changes.
     */
    get: operations['suggestions'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/{id}/suggestions/{user_id}/feedback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Tell the matcher about a suggested person: `not_relevant` or `met`. They are not suggested to
     *     the caller at this event again. Only for attendees holding a seat, about another attendee
     *     they can see.
     */
    post: operations['feedback'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The signed-in user's account and profile. */
    get: operations['get_me'];
    put?: never;
    post?: never;
    /**
     * Delete the account. Needs the password or a second-factor code. Personal data is erased;
     *     messages written stay in conversations as from "Deleted user"; events passed to a
     *     co-organizer, or (when nobody else organizes them) cancelled with an announcement to their
     *     attendees; RSVPs withdrawn (seats go to the waitlist); meetings ahead cancelled; every
     *     session, token and live connection ends at once.
     */
    delete: operations['delete_me'];
    options?: never;
    head?: never;
    /** Edit the signed-in user's profile. Absent fields stay as they are. */
    patch: operations['update_me'];
    trace?: never;
  };
  '/api/v1/me/blocks': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Users the signed-in user has blocked. */
    get: operations['list_blocks'];
    put?: never;
    /**
     * Block a user: neither sees the other's profile, in attendee lists or (later) in chat and
     *     suggestions. Blocking twice is harmless.
     */
    post: operations['block_user'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/blocks/{user_id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Lift a block. */
    delete: operations['unblock_user'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/email': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Move the account to a new e-mail address. The change happens when the link mailed to the new
     *     address is opened; the current address is told. Answers 202 even when the new address has an
     *     account (so nobody learns who has one); that account's owner is told instead.
     */
    post: operations['change_email'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/email/verification': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mail the link that confirms the account's address again. */
    post: operations['resend_verification'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The caller's own events, unlisted ones included: those they organize, those they RSVPed to,
     *     or both. Ordered by start time; ended events only with `include_past=true`.
     */
    get: operations['my_events'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Everything Mingle stores about the signed-in person, as one JSON document (a download). */
    get: operations['export'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/identities': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The identities linked to the signed-in account. */
    get: operations['list_identities'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/identities/{provider}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Unlink a provider. Refused (409 `last_sign_in_method`) when it is the account's only way to
     *     sign in.
     */
    delete: operations['unlink'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/meetings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's meetings, sent and received, by start time. */
    get: operations['my_meetings'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/passkeys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The account's passkeys, oldest first. */
    get: operations['list'];
    put?: never;
    /**
     * Finish adding a passkey with the authenticator's answer. The account's first second factor
     *     turns two-step sign-in on: the answer then carries ten recovery codes, shown this once.
     */
    post: operations['add'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/passkeys/challenge': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start proving with a passkey that the owner is present, for a change that needs a
     *     [`protocol::auth::Confirmation`] (send the answer as its `passkey`).
     */
    post: operations['confirmation_options'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/passkeys/options': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start adding a passkey: options for `navigator.credentials.create()`. An authenticator that
     *     already holds one of the account's passkeys is left out by the browser.
     */
    post: operations['registration_options'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/passkeys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Remove a passkey. Needs a [`protocol::auth::Confirmation`]; refused (409
     *     `last_sign_in_method`) when it is the account's only way to sign in. The last second factor
     *     gone, two-step sign-in turns off and the recovery codes stop working.
     */
    delete: operations['remove'];
    options?: never;
    head?: never;
    /** Rename a passkey. */
    patch: operations['rename'];
    trace?: never;
  };
  '/api/v1/me/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Change the password. Needs the current password or a fresh second-factor code; every other
     *     device is signed out.
     */
    post: operations['change_password'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/recovery-codes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** New recovery codes (the old ones stop working). Needs the password or a code. */
    post: operations['new_recovery_codes'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/security': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The account's security at a glance: verified address, second factor, recovery codes left,
     *     devices signed in.
     */
    get: operations['overview'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The devices signed in to the account, most recently used first. */
    get: operations['list_sessions'];
    put?: never;
    post?: never;
    /** Sign out every other device (this one stays signed in). */
    delete: operations['revoke_other_sessions'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/sessions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Sign out one device. Its tokens stop working and its live connections close (code 4001)
     *     within a second.
     */
    delete: operations['revoke_session'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/totp': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start setting up an authenticator app: a new secret (as text and as the `otpauth://` URI a
     *     QR code holds). It takes effect once `POST /me/totp/confirm` gets its first code.
     */
    post: operations['start_totp'];
    /**
     * Remove the authenticator app (and its recovery codes, unless passkeys keep two-step sign-in
     *     on). Needs a confirmation.
     */
    delete: operations['remove_totp'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/totp/confirm': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Finish setting up the authenticator app with its first code. Answers the ten recovery
     *     codes, shown this once.
     */
    post: operations['confirm_totp'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/meetings/{id}/accept': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Accept a meeting request (its recipient). Opens the DM channel of the two. */
    post: operations['accept'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/meetings/{id}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Cancel a meeting: the requester while pending, either participant once accepted. */
    post: operations['cancel'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/meetings/{id}/decline': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Decline a meeting request (its recipient). */
    post: operations['decline'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/recommendations/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Upcoming events worth the caller's time, best first, each with the reasons that put it
     *     there: what they are into, people they met or were at events with going, distance (with
     *     `lat`/`lon`), their usual days and times. Events that started, full ones, their own and any
     *     they have an RSVP for are left out, so an RSVP takes an event off the list.
     */
    get: operations['recommended_events'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Another user's profile, when its visibility allows and neither has blocked the other. */
    get: operations['get_user'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/healthz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The process is up. */
    get: operations['healthz'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ops/analytics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The platform over the last `days` days (default 30): active people per day, week and month,
     *     retention by sign-up week, each recommender version's CTR@5, CTR@10 and RSVP rate, each
     *     matcher weight set's suggestion-to-meeting acceptance, events created and attended per day,
     *     and the analytics pipeline's state. Read from rollups; a minute or so behind.
     */
    get: operations['platform_analytics'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ops/cache': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * This node's read cache: memory, hit rate per kind, prefetch precision and cost, invalidations
     *     from other nodes and how late the latest arrived, and staleness-bound violations (docs/cache.md).
     */
    get: operations['cache_status'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ops/capacity': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The capacity forecast: connections, messages, deliveries and check-ins at their peak within
     *     the next 15 and 60 minutes, the server nodes and matcher workers that takes, and the events
     *     behind it. Made in the background (`MINGLE_CAPACITY_INTERVAL_SECS`); this answers the latest,
     *     whose `generated_at` says when. 503 `unavailable` until the first is made after start-up.
     */
    get: operations['capacity'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ops/models': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The model registry: recommender versions with their training window and how they did with
     *     people, the canary experiment running (with its newest look: both arms, lift, z, p-value), and
     *     the decisions that ended the last experiments.
     */
    get: operations['model_registry'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ops/models/{kind}/{verdict}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Ends the running canary experiment of `kind` now (`recommender` or `matcher`): `promote` puts
     *     the canary in service for everyone, `rollback` takes it away. Recorded as forced, with the
     *     numbers of the newest look. Where matching runs in workers, they apply a weight set's decision
     *     at their next look (within a minute).
     */
    post: operations['force_decision'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ops/recommendations/model': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The recommendation model in service (`null` before the first training) and whether one is
     *     training now.
     */
    get: operations['recommendation_model'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ops/recommendations/retrain': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Starts training a new recommendation model now (202), unless one is training already (409
     *     `already_training`). The new model replaces the one in service when it is ready.
     */
    post: operations['retrain_recommendations'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/readyz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The process can serve: the database answers. The broker's state is reported too; without it
     *     the node still serves (messages are stored and reach other nodes' clients on resync).
     */
    get: operations['readyz'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    /** @description `GET /me/export`: everything Mingle stores about the signed-in person, in one document. */
    AccountExport: {
      account: components['schemas']['Me'];
      blocks: components['schemas']['Block'][];
      /** @description Events this person owns or co-organizes. */
      events_organized: components['schemas']['ExportedEvent'][];
      /** Format: date-time */
      exported_at: string;
      /** @description Identity providers linked to the account. */
      identities: components['schemas']['LinkedIdentity'][];
      /** @description Meeting requests sent and received. */
      meetings: components['schemas']['Meeting'][];
      /** @description Every chat line and direct message this person wrote. */
      messages: components['schemas']['ExportedMessage'][];
      /** @description Passkeys registered (names and dates; the keys are public keys, not secrets). */
      passkeys: components['schemas']['PasskeyInfo'][];
      rsvps: components['schemas']['ExportedRsvp'][];
      /** @description Devices signed in now. */
      sessions: components['schemas']['SessionInfo'][];
      suggestion_feedback: components['schemas']['ExportedFeedback'][];
    };
    /** @description Distinct active people on a day and in the 7 and 30 days ending with it. */
    ActivePoint: {
      /** Format: int64 */
      daily: number;
      /** Format: date */
      day: string;
      /** Format: int64 */
      monthly: number;
      /** Format: int64 */
      weekly: number;
    };
    /** @description Running totals at the end of one bucket of time. */
    ActivityPoint: {
      /**
       * Format: int64
       * @description Meetings accepted so far (counted when accepted; later cancellations included).
       */
      accepted: number;
      /**
       * Format: date-time
       * @description Start of the bucket.
       */
      at: string;
      /**
       * Format: int64
       * @description Check-ins so far.
       */
      checkins: number;
      /**
       * Format: int64
       * @description Meeting requests made so far, whatever became of them.
       */
      meetings: number;
      /**
       * Format: int64
       * @description People who had asked someone for a meeting so far (each counted once).
       */
      requesters: number;
      /**
       * Format: int64
       * @description RSVPs made so far (going, interested or waitlisted, as they stand now).
       */
      rsvps: number;
    };
    /**
     * @description `POST /analytics/events`: up to 100 events, 64 KiB. A signed-in client authenticates with its
     *     bearer token; `navigator.sendBeacon`, which cannot set headers, puts the same token in
     *     `access_token`. Without a token only `page_view` events are taken, filed under nobody.
     */
    AnalyticsBatch: {
      access_token?: string | null;
      events: components['schemas']['ClientEvent'][];
    };
    Announcement: {
      /** Format: uuid */
      author_id: string;
      body: string;
      /** Format: date-time */
      created_at: string;
      /** Format: uuid */
      event_id: string;
      /** Format: uuid */
      id: string;
    };
    /**
     * @description `POST /auth/oidc/token`: an app's one-time code (from its redirect URI) and the PKCE
     *     verifier of the `code_challenge` it started with.
     */
    AppTokenRequest: {
      code: string;
      code_verifier: string;
    };
    /** @description One arm of an experiment: exposures (impressions) and successes (RSVPs or opens). */
    ArmNumbers: {
      /** Format: int64 */
      exposures: number;
      /** Format: int64 */
      successes: number;
    };
    /** @description One entry of an event's attendee list. */
    Attendee: {
      checked_in: boolean;
      profile: components['schemas']['Profile'];
      status: components['schemas']['RsvpStatus'];
      /**
       * Format: int64
       * @description Shown to organizers only.
       */
      waitlist_position?: number | null;
    };
    /** @description One group of an event's audience with similar profiles. */
    AudienceSegment: {
      /** @description A short name from the group's most common interests. */
      label: string;
      /**
       * Format: float
       * @description The group's share of the audience, in [0, 1].
       */
      share: number;
      /**
       * Format: int64
       * @description People in the group.
       */
      size: number;
      /** @description Their most common interests, most common first. */
      top_interests: string[];
    };
    /**
     * @description `GET /events/{id}/segments`: the audience (everyone with an RSVP) in groups of similar
     *     profiles, largest first.
     */
    AudienceSegments: {
      /** Format: int64 */
      audience: number;
      segments: components['schemas']['AudienceSegment'][];
    };
    /**
     * @description The answer to a batch: how many events were queued, and how many were left out on purpose
     *     (page views from a browser that asked not to be tracked).
     */
    BatchAccepted: {
      /** Format: int32 */
      accepted: number;
      /** Format: int32 */
      ignored: number;
    };
    /** @description A user this account has blocked. */
    Block: {
      /** Format: date-time */
      created_at: string;
      /** @description Their name now, so that the one who blocked them knows whom they would unblock. */
      display_name: string;
      /** Format: uuid */
      user_id: string;
    };
    BlockRequest: {
      /** Format: uuid */
      user_id: string;
    };
    /** @enum {string} */
    BrokerState: 'connected' | 'disconnected';
    /** @description What the read cache's forecast expects, and what it did about it. */
    CacheForecast: {
      /** @description The next 15 and the next 60 minutes. */
      horizons: components['schemas']['CacheHorizon'][];
      /** Format: date-time */
      made_at: string;
      /** Format: double */
      prefetch_seconds: number;
      /**
       * Format: int64
       * @description Values loaded ahead at this look, and the seconds the loads took.
       */
      prefetched: number;
      /**
       * Format: double
       * @description The probability a predicted read needs for its value to be loaded ahead now; it rises
       *     while prefetched values go unread.
       */
      threshold: number;
      /**
       * Format: int64
       * @description The tier's size the forecast asks for (the hot set with headroom), before the bounds.
       */
      wanted_bytes: number;
    };
    /** @description The load expected over one horizon. */
    CacheHorizon: {
      /**
       * Format: int64
       * @description Bytes of the hot set: what the tier needs to hold it.
       */
      bytes: number;
      /**
       * Format: int64
       * @description Distinct values expected to be read: the hot set.
       */
      distinct_keys: number;
      /** Format: int64 */
      minutes: number;
      /** Format: double */
      requests_per_minute: number;
    };
    /** @description Reads of one kind of cached value. */
    CacheKindStats: {
      /**
       * Format: int64
       * @description Reads that went to the database because the node was out of sync.
       */
      bypassed: number;
      /**
       * Format: int64
       * @description Reads served from this node's memory.
       */
      hits: number;
      /** @description `event_page`, `attendee_count`, `profile`, `recommendations`, `suggestions` or `search_page`. */
      kind: string;
      /**
       * Format: int64
       * @description Reads that loaded from the database (and filled both tiers).
       */
      misses: number;
      /**
       * Format: int64
       * @description Reads this node missed and the shared tier in Redis served.
       */
      shared_hits: number;
    };
    /** @description `GET /ops/cache`: this node's read cache (docs/cache.md). Counters are since the node started. */
    CacheStatus: {
      /**
       * Format: int64
       * @description The tier's size now: within the bounds, from the forecast.
       */
      budget_bytes: number;
      /** @description Whether the node keeps anything (`MINGLE_CACHE_MB` above 0). */
      enabled: boolean;
      forecast?: null | components['schemas']['CacheForecast'];
      /**
       * Format: double
       * @description Seconds the forecast's thread has been busy: learning from the request log, asking what
       *     people open next after their connects and reads, and answering the ticks.
       */
      forecast_seconds: number;
      /** @description Whether the node hears every invalidation now; while it does not, it reads the database. */
      in_sync: boolean;
      /**
       * Format: int64
       * @description Invalidations received from other nodes.
       */
      invalidations_received: number;
      /** @description Reads per kind of cached value. */
      kinds: components['schemas']['CacheKindStats'][];
      /**
       * Format: int64
       * @description Request-log lines the forecast fell too far behind to read.
       */
      log_dropped: number;
      /** Format: int64 */
      max_budget_bytes: number;
      /**
       * Format: int64
       * @description The longest an invalidation from another node took to arrive, in milliseconds.
       */
      max_invalidation_lag_ms: number;
      /**
       * Format: int64
       * @description The bounds the forecast sizes the tier within (`MINGLE_CACHE_MIN_MB`, `MINGLE_CACHE_MB`).
       */
      min_budget_bytes: number;
      /** @description Whether prefetching is on (`MINGLE_CACHE_PREFETCH`). */
      prefetch_enabled: boolean;
      /**
       * Format: double
       * @description Seconds spent loading prefetched values.
       */
      prefetch_load_seconds: number;
      /** @description Whether the prefetcher is resting after a minute in which most prefetches went unread. */
      prefetch_paused: boolean;
      /**
       * Format: double
       * @description `prefetch_used / (prefetch_used + prefetch_wasted)`; `null` before any left or was read.
       */
      prefetch_precision?: number | null;
      /**
       * Format: int64
       * @description Prefetched values read before they left the cache.
       */
      prefetch_used: number;
      /**
       * Format: int64
       * @description Prefetched values that left the cache unread.
       */
      prefetch_wasted: number;
      /**
       * Format: int64
       * @description Values loaded ahead of a predicted read and kept.
       */
      prefetched: number;
      /**
       * Format: int64
       * @description Loads refused because a write made them stale while they ran.
       */
      refused_stale: number;
      /** @description Whether versions and invalidations are shared with other nodes through Redis. */
      shared: boolean;
      /**
       * Format: int64
       * @description How soon a read on this node sees another node's acknowledged write.
       */
      staleness_bound_ms: number;
      /**
       * Format: int64
       * @description Invalidations that arrived later than the bound (must stay 0).
       */
      staleness_violations: number;
      /** @description What the prefetcher has learned: how often each trigger was followed by its read. */
      transitions: components['schemas']['CacheTransition'][];
      /**
       * Format: int64
       * @description Bytes held, values and bookkeeping together.
       */
      used_bytes: number;
    };
    /**
     * @description One transition the prefetcher learns, such as a connection followed by opening
     *     recommendations within five minutes.
     */
    CacheTransition: {
      /**
       * Format: int64
       * @description Triggers followed by the read within the window.
       */
      followed: number;
      name: string;
      /**
       * Format: int64
       * @description Triggers whose window closed without the read.
       */
      unfollowed: number;
    };
    /** @description One event behind the forecast, and why it counts as much as it does. */
    CapacityDriver: {
      /** Format: int64 */
      checked_in: number;
      /** Format: date-time */
      ends_at: string;
      /** Format: uuid */
      event_id: string;
      /**
       * Format: double
       * @description People expected to come: going × show-up rate; once check-ins start, scaled by how they
       *     compare with what was expected by now.
       */
      expected_attendees: number;
      /** Format: int64 */
      going: number;
      /** @description The band of the hour it starts, in its own time zone. */
      hour_band: components['schemas']['HourBand'];
      /** Format: int64 */
      interested: number;
      kind: components['schemas']['EventKind'];
      /**
       * Format: int64
       * @description Chat messages posted in its room so far.
       */
      messages: number;
      /**
       * Format: double
       * @description Chat messages per attendee-minute expected of its room: history's, drawn towards what
       *     the room has posted so far as its attendee-minutes grow.
       */
      messages_per_attendee_minute: number;
      /** @description Online only (no venue). */
      online: boolean;
      /**
       * Format: double
       * @description The most of them present at once inside the 60-minute horizon.
       */
      peak_present: number;
      /**
       * Format: double
       * @description The share of people going who checked in at past events of the same kind, hour band and
       *     place, drawn towards broader groups when there were few.
       */
      show_up_rate: number;
      /** Format: date-time */
      starts_at: string;
      title: string;
    };
    /**
     * @description `GET /ops/capacity`: how many connections, messages and check-ins the next 15 and 60 minutes
     *     hold, and the replicas that takes. Recomputed in the background every minute from the event
     *     calendar and the history of past events; the answer is the latest computation.
     */
    CapacityForecast: {
      /**
       * Format: int64
       * @description Connections not tied to a live event: people with the app open (accounts whose session
       *     was used within the last two access-token lifetimes) less those the model places at live
       *     events now. Held flat over the horizons.
       */
      baseline_connections: number;
      /**
       * @description The events that drive the forecast, the largest crowd inside the 60-minute horizon first
       *     (at most 10).
       */
      drivers: components['schemas']['CapacityDriver'][];
      /** Format: date-time */
      generated_at: string;
      /** @description What the model learned from past events. */
      history: components['schemas']['CapacityHistory'];
      /**
       * @description One forecast per horizon, the shortest first: the peak of each quantity between now and
       *     the end of the horizon, so that capacity is in place for the whole window.
       */
      horizons: components['schemas']['CapacityHorizon'][];
      /** @description What one replica is planned to carry. */
      plan: components['schemas']['CapacityPlan'];
    };
    /** @description What the forecast learned from past events (the last 90 days). */
    CapacityHistory: {
      /**
       * Format: int64
       * @description Check-ins at them.
       */
      checkins: number;
      /**
       * Format: int64
       * @description Past events with at least one person going.
       */
      events: number;
      /**
       * Format: double
       * @description Chat messages per attendee per minute at events, drawn towards the prior while there was
       *     little chat.
       */
      messages_per_attendee_minute: number;
      /**
       * Format: double
       * @description Checked in / going over all of them (each event's rate, averaged), before shrinkage.
       */
      show_up_rate: number;
    };
    /** @description The forecast for one horizon. */
    CapacityHorizon: {
      /**
       * Format: double
       * @description Check-ins per minute, at the peak (each one updates the matcher's lists).
       */
      checkins_per_minute: number;
      /**
       * Format: int64
       * @description Concurrent WebSocket connections at the peak.
       */
      connections: number;
      /**
       * Format: double
       * @description Messages delivered to sockets per second (each message reaches everyone in its room), at
       *     the peak.
       */
      deliveries_per_second: number;
      /**
       * Format: double
       * @description Matcher work at the peak, in workers' worth: check-ins over what a worker handles, plus
       *     the full builds of events that start.
       */
      matcher_workers: number;
      /**
       * Format: double
       * @description Chat messages posted per second, at the peak.
       */
      messages_per_second: number;
      /**
       * Format: int32
       * @description 15 or 60.
       */
      minutes: number;
      /**
       * Format: date-time
       * @description When the forecast connections peak inside the horizon.
       */
      peak_at: string;
      replicas: components['schemas']['ReplicaCounts'];
    };
    /** @description What one replica is planned to carry (the `MINGLE_CAPACITY_*` settings). */
    CapacityPlan: {
      /**
       * Format: double
       * @description Planned spare capacity: 0.4 plans each replica at 1 / 1.4 = 71% of what it carries.
       */
      headroom: number;
      /** Format: double */
      matcher_checkins_per_second: number;
      /**
       * Format: double
       * @description Seconds a worker takes for the full build of a 10,000-person event (the work grows with
       *     the square of the attendees).
       */
      matcher_full_build_secs: number;
      /** Format: int64 */
      node_connections: number;
      /** Format: double */
      node_deliveries_per_second: number;
    };
    /** @description A message on a channel. */
    ChannelMessage: {
      /** @description What the message says; its `kind` depends on the channel (see [`MessageBody`]). */
      body: components['schemas']['MessageBody'];
      channel: string;
      /** Format: int64 */
      epoch: number;
      /**
       * Format: int64
       * @description Position in the channel: 1, 2, 3, ... without gaps within an epoch.
       */
      offset: number;
      /**
       * Format: uuid
       * @description Who posted it; absent for messages from the system.
       */
      sender?: string | null;
      /** Format: date-time */
      sent_at: string;
    };
    Checkin: {
      /** Format: date-time */
      checked_in_at: string;
      /** Format: uuid */
      event_id: string;
      /** @description False when the attendee had already been checked in. */
      newly_checked_in: boolean;
      /** Format: uuid */
      user_id: string;
    };
    /**
     * @description `POST /events/{id}/checkin`: an organizer sends `user_id` or the attendee's personal `code`;
     *     an attendee sends the event's check-in `code`, or nothing at an online-only event.
     */
    CheckinRequest: {
      code?: string | null;
      /** Format: uuid */
      user_id?: string | null;
    };
    /**
     * @description One event of a client's batch: what happened (`page_view` or `open`), when, and optionally
     *     whose action it was, which must then be the sender's own.
     */
    ClientEvent: components['schemas']['UsageEvent'] & {
      /**
       * Format: uuid
       * @description The person who acted; when given, it must be the signed-in sender.
       */
      actor?: string | null;
      /**
       * Format: date-time
       * @description When it happened on the client; at most a minute ahead of the server and a day old.
       */
      at: string;
    };
    /**
     * @description People who signed up in one week (from its Monday), and the share of them active in each
     *     following week (index 0 is the sign-up week itself).
     */
    Cohort: {
      retained: number[];
      /** Format: int64 */
      size: number;
      /** Format: date */
      week: string;
    };
    /**
     * @description Proof that the person at the keyboard owns the account, for changes that need it (change
     *     the password, delete the account, remove a second factor): the current password, a fresh
     *     code from the authenticator app, a recovery code, or a passkey (challenge from
     *     `POST /me/passkeys/challenge`). An account with none of these (made through a provider)
     *     confirms by having signed in within the last 10 minutes.
     */
    Confirmation: {
      code?: string | null;
      passkey?: null | components['schemas']['PasskeyAnswer'];
      password?: string | null;
      recovery_code?: string | null;
    };
    /** @description A direct conversation between two people. */
    Conversation: {
      /** @description The realtime channel: `dm:{id}`. */
      channel: string;
      /** Format: uuid */
      id: string;
      participants: string[];
    };
    /** @description The other person in a conversation, as `GET /conversations` lists them. */
    ConversationPeer: {
      display_name: string;
      /** Format: uuid */
      id: string;
    };
    /** @description One of the signed-in user's conversations, as `GET /conversations` lists them. */
    ConversationSummary: {
      /** @description The realtime channel: `dm:{id}`. */
      channel: string;
      /** Format: uuid */
      id: string;
      /**
       * Format: date-time
       * @description When the last message was sent, or the conversation opened when there is none; the list
       *     is ordered by it, newest first.
       */
      last_activity_at: string;
      last_message?: null | components['schemas']['LastMessage'];
      /** @description The other participant. */
      with: components['schemas']['ConversationPeer'];
    };
    /** @description An event's head counts, as `counters` messages on `event:{id}` carry them. */
    Counters: {
      /** Format: int64 */
      checked_in: number;
      /** Format: int64 */
      going: number;
      /** Format: int64 */
      interested: number;
      /**
       * Format: int64
       * @description `null` when the event has no capacity limit.
       */
      seats_left?: number | null;
      /** Format: int64 */
      waitlisted: number;
    };
    CreateAnnouncement: {
      /** @description 1 to 4000 characters. */
      body: string;
    };
    /** @description `POST /events`. An event needs a `venue`, an `online_url`, or both. */
    CreateEvent: {
      /**
       * Format: int64
       * @description Seats for attendees going; `null` for no limit.
       */
      capacity?: number | null;
      description?: string;
      /**
       * Format: date-time
       * @description Must be after `starts_at`.
       */
      ends_at: string;
      online_url?: string | null;
      /**
       * Format: date-time
       * @description RFC 3339 with offset, e.g. `2026-12-03T18:30:00+01:00`.
       */
      starts_at: string;
      tags?: string[];
      /** @description IANA time zone name the event is held in, e.g. `Europe/Berlin`. */
      timezone: string;
      title: string;
      venue?: null | components['schemas']['Venue'];
      visibility?: components['schemas']['EventVisibility'];
    };
    DayVolume: {
      /**
       * Format: int64
       * @description Check-ins that day.
       */
      attended: number;
      /** Format: date */
      day: string;
      /** Format: int64 */
      events_created: number;
    };
    /**
     * @description The notice on `user:{id}` that someone wrote to them: enough to show an unread badge and a
     *     preview without following the conversation.
     */
    DmNotice: {
      /** @description The conversation's channel, `dm:{id}`. */
      channel: string;
      /** Format: uuid */
      conversation_id: string;
      from: components['schemas']['DmSender'];
      /**
       * Format: int64
       * @description The message's offset in that channel.
       */
      offset: number;
      /** @description The message's first 140 characters. */
      preview: string;
      /** Format: date-time */
      sent_at: string;
    };
    /** @description Who wrote a direct message. */
    DmSender: {
      display_name: string;
      /** Format: uuid */
      id: string;
    };
    /**
     * @description `POST /me/email`: move the account to a new address (it changes once the link sent there is
     *     opened; the old address is told).
     */
    EmailChange: components['schemas']['Confirmation'] & {
      /** Format: email */
      new_email: string;
    };
    /** @description `POST /auth/email/verify`: the token from the mailed link. */
    EmailVerification: {
      token: string;
    };
    /** @description What a mailed link did. */
    EmailVerified: {
      /** @description The address now verified (and, after a change, the account's address). */
      email: string;
      session?: null | components['schemas']['Session'];
    };
    /** @description `{"error": {"code": "...", "message": "..."}}` */
    ErrorBody: {
      error: components['schemas']['ErrorDetail'];
    };
    ErrorDetail: {
      /** @description Stable, machine-readable code such as `validation_failed` or `event_full`. */
      code: string;
      /** @description Per-field problems, present on `validation_failed`. */
      fields?: components['schemas']['FieldError'][];
      /** @description Human-readable explanation; wording may change between releases. */
      message: string;
    };
    /** @description An event as the API answers it. */
    Event: {
      /**
       * Format: date-time
       * @description When the event was cancelled (its organizer closed their account and nobody else
       *     organizes it); `null` while it is on. A cancelled event takes no RSVPs or check-ins.
       */
      cancelled_at?: string | null;
      /** Format: int64 */
      capacity?: number | null;
      /** Format: int64 */
      checked_in_count: number;
      /** @description The code attendees type to check themselves in; shown to organizers only. */
      checkin_code?: string | null;
      /** Format: date-time */
      created_at: string;
      description: string;
      /**
       * Format: double
       * @description Kilometres from the searched point, on searches by distance.
       */
      distance_km?: number | null;
      /** Format: date-time */
      ends_at: string;
      /** Format: int64 */
      going_count: number;
      /** Format: uuid */
      id: string;
      /** Format: int64 */
      interested_count: number;
      /** @description Whether the caller organizes this event. */
      is_organizer: boolean;
      my_rsvp?: null | components['schemas']['RsvpStatus'];
      online_url?: string | null;
      organizer_ids: string[];
      /**
       * Format: int64
       * @description Seats left, `null` when the event has no capacity limit.
       */
      seats_left?: number | null;
      /**
       * Format: date-time
       * @description In the event's own time zone.
       */
      starts_at: string;
      tags: string[];
      timezone: string;
      title: string;
      venue?: null | components['schemas']['Venue'];
      visibility: components['schemas']['EventVisibility'];
      /** Format: int64 */
      waitlist_count: number;
    };
    /** @description An event's activity over time, for its organizers' charts. */
    EventActivity: {
      /**
       * Format: int32
       * @description Width of each bucket, in minutes (chosen so that there are at most 48 of them).
       */
      bucket_minutes: number;
      /** @description Running totals at the end of each bucket, oldest first, starting from an empty bucket. */
      points: components['schemas']['ActivityPoint'][];
    };
    /** @description `GET /events/{id}/analytics`: organizers only; read from rollups, about a minute behind. */
    EventAnalytics: {
      /**
       * Format: date-time
       * @description When the newest event counted here happened; `null` before any.
       */
      as_of?: string | null;
      /**
       * Format: int32
       * @description Width of `over_time`'s buckets, in minutes.
       */
      bucket_minutes: number;
      /** Format: uuid */
      event_id: string;
      funnel: components['schemas']['FunnelStep'][];
      networking: components['schemas']['Networking'];
      over_time: components['schemas']['FunnelPoint'][];
      sources: components['schemas']['SourceShare'][];
    };
    /**
     * @description An event's kind, by how long it runs.
     * @enum {string}
     */
    EventKind: 'short' | 'long' | 'multi_day';
    EventRecommendation: {
      event: components['schemas']['Event'];
      /** @description Why, in words, strongest first. */
      reasons: string[];
      /**
       * Format: float
       * @description How well the event fits, in [0, 1].
       */
      score: number;
    };
    /** @enum {string} */
    EventVisibility: 'public' | 'unlisted';
    /** @description How an experiment ended. */
    ExperimentDecision: {
      canary_version: string;
      control_version?: string | null;
      /** Format: date-time */
      decided_at: string;
      experiment: string;
      /** @description Whether an operator decided it. */
      forced: boolean;
      kind: string;
      numbers?: null | components['schemas']['ExperimentLook'];
      /** @description `promote` or `rollback`. */
      verdict: string;
    };
    /** @description The numbers of a look at an experiment, or of its decision. */
    ExperimentLook: {
      canary: components['schemas']['ArmNumbers'];
      /** @description RSVPs per impression, the primary metric. */
      control: components['schemas']['ArmNumbers'];
      /**
       * Format: double
       * @description z of the guardrail (opens per impression); rolled back when significantly negative.
       */
      guard_z: number;
      /**
       * Format: double
       * @description Canary rate over control rate, minus 1.
       */
      lift: number;
      /** Format: double */
      p_value: number;
      reason: string;
      /** @description `promote`, `wait` or `rollback`. */
      verdict: string;
      /** Format: double */
      z: number;
      /**
       * Format: double
       * @description The |z| a look needs (alpha over the planned looks).
       */
      z_needed: number;
    };
    ExportedEvent: {
      /** Format: uuid */
      id: string;
      /** @description This person owns the event (rather than co-organizing it). */
      owner: boolean;
      /** Format: date-time */
      starts_at: string;
      title: string;
    };
    ExportedFeedback: {
      /** Format: date-time */
      created_at: string;
      /** Format: uuid */
      event_id: string;
      /** Format: uuid */
      target_id: string;
      /** @description `not_relevant` or `met`. */
      verdict: string;
    };
    ExportedMessage: {
      /** @description `event:{id}` for an event's chat, `dm:{id}` for a direct conversation. */
      channel: string;
      /** @description `chat` or `dm`. */
      kind: string;
      /** Format: date-time */
      sent_at: string;
      text: string;
    };
    ExportedRsvp: {
      /** Format: date-time */
      checked_in_at?: string | null;
      /** Format: date-time */
      created_at: string;
      /** Format: uuid */
      event_id: string;
      event_title: string;
      status: components['schemas']['RsvpStatus'];
    };
    FieldError: {
      /** @description Dotted path of the offending field, e.g. `venue.lat`. */
      field: string;
      message: string;
    };
    /**
     * @description `GET /events/{id}/meetings/free-times`: the first times during the event, on quarter hours,
     *     at which neither person has an arranged meeting.
     */
    FreeTimes: {
      /** @description Up to five, earliest first; empty when the event has no such time left. */
      slots: components['schemas']['TimeSlot'][];
    };
    /** @description People reaching each stage for the first time in one bucket. */
    FunnelPoint: {
      /** Format: date-time */
      at: string;
      /** Format: int64 */
      chatted: number;
      /** Format: int64 */
      checked_in: number;
      /** Format: int64 */
      meeting_accepted: number;
      /** Format: int64 */
      meeting_requested: number;
      /** Format: int64 */
      met: number;
      /** Format: int64 */
      rsvped: number;
      /** Format: int64 */
      viewed: number;
    };
    FunnelStep: {
      /**
       * Format: double
       * @description `people` over the previous step's (1 for the first step; 0 when the previous is 0).
       */
      of_previous: number;
      /** Format: int64 */
      people: number;
      stage: components['schemas']['Stage'];
    };
    /** @description `GET /healthz`: the process is up. */
    Health: {
      /** @description Always `ok`. */
      status: components['schemas']['HealthStatus'];
    };
    /** @enum {string} */
    HealthStatus: 'ok';
    /**
     * @description When an event starts, in its own time zone.
     * @enum {string}
     */
    HourBand: 'morning' | 'afternoon' | 'evening';
    /** @description `GET /me/identities`. */
    IdentityList: {
      /** @description The account also has a password. */
      has_password: boolean;
      items: components['schemas']['LinkedIdentity'][];
    };
    /** @description The newest message of a conversation. */
    LastMessage: {
      /** Format: date-time */
      at: string;
      /**
       * Format: uuid
       * @description Who wrote it: either participant.
       */
      from: string;
      text: string;
    };
    /** @description An identity at a provider linked to the account. */
    LinkedIdentity: {
      /** Format: date-time */
      created_at: string;
      /** @description The address the provider gave. */
      email: string;
      /** Format: date-time */
      last_used_at: string;
      provider: string;
      /** @description The provider's name, when it is still configured. */
      provider_name: string;
    };
    /**
     * @description A list of items shown to someone.
     * @enum {string}
     */
    ListKind: 'recommendations' | 'search' | 'browse' | 'suggestions' | 'notifications';
    /**
     * @description Answer to `POST /auth/login`: the session, or, when the account has a second factor, a
     *     ticket to finish signing in with `POST /auth/mfa`.
     */
    LoginAnswer: components['schemas']['Session'] | components['schemas']['MfaChallenge'];
    LoginRequest: {
      email: string;
      password: string;
    };
    /**
     * @description How one matcher weight set did: suggestions shown, meetings asked of suggested people, and
     *     how many of those were accepted.
     */
    MatcherOutcome: {
      /**
       * Format: double
       * @description Accepted over requests (0 with no request).
       */
      acceptance_rate: number;
      /** Format: int64 */
      accepted: number;
      /** Format: int64 */
      impressions: number;
      /** Format: int64 */
      requests: number;
      /** @description `default` for the built-in weights, else a fingerprint of the learned ones. */
      weights_version: string;
    };
    /** @description The signed-in user's own account and profile. */
    Me: {
      bio: string;
      /** Format: date-time */
      created_at: string;
      display_name: string;
      email: string;
      /** @description The e-mail address was confirmed through the link sent to it. */
      email_verified: boolean;
      headline: string;
      /** Format: uuid */
      id: string;
      interests: string[];
      /** @description Opted in to "people to meet" suggestions at events. */
      matchmaking: boolean;
      offering: string[];
      seeking: string[];
      /** @description Signing in asks for a code from an authenticator app after the password. */
      totp_enabled: boolean;
      visibility: components['schemas']['ProfileVisibility'];
    };
    Meeting: {
      /** @description Once accepted: the DM channel of the two participants (`dm:{id}`). */
      channel?: string | null;
      /** Format: date-time */
      created_at: string;
      /** Format: date-time */
      ends_at: string;
      /** Format: uuid */
      event_id: string;
      from: components['schemas']['Participant'];
      /** Format: uuid */
      id: string;
      message: string;
      place: string;
      /** Format: date-time */
      starts_at: string;
      status: components['schemas']['MeetingStatus'];
      to: components['schemas']['Participant'];
      /** Format: date-time */
      updated_at: string;
    };
    /** @enum {string} */
    MeetingStatus: 'pending' | 'accepted' | 'declined' | 'cancelled';
    /**
     * @description The body of a [`ChannelMessage`], tagged by `kind`. Which kinds a channel carries:
     *     - `event:{id}:chat` and `dm:{id}`: `chat`;
     *     - `event:{id}`: `announcement`, `event_updated`, `counters`;
     *     - `user:{id}`: `suggestions`, `meeting`, `dm`.
     *
     *     Clients should ignore kinds they do not know: new ones may be added within `mingle.v1`.
     */
    MessageBody:
      | {
          /** @enum {string} */
          kind: 'chat';
          /** @description 1 to 2000 characters. */
          text: string;
        }
      | {
          announcement: components['schemas']['Announcement'];
          /** @enum {string} */
          kind: 'announcement';
        }
      | {
          event: components['schemas']['Event'];
          /** @enum {string} */
          kind: 'event_updated';
        }
      | (components['schemas']['Counters'] & {
          /** @enum {string} */
          kind: 'counters';
        })
      | {
          /** Format: uuid */
          event_id: string;
          items: components['schemas']['Suggestion'][];
          /** @enum {string} */
          kind: 'suggestions';
        }
      | {
          /** @enum {string} */
          kind: 'meeting';
          meeting: components['schemas']['Meeting'];
        }
      | (components['schemas']['DmNotice'] & {
          /** @enum {string} */
          kind: 'dm';
        })
      | {
          /** @enum {string} */
          kind: 'access_changed';
          users: string[];
        };
    /** @description The password was right; the second factor is next. */
    MfaChallenge: {
      /** Format: int64 */
      expires_in: number;
      methods: components['schemas']['MfaMethod'][];
      /** @description Always `true`. */
      mfa_required: boolean;
      /** @description Single use, valid for `expires_in` seconds and a few wrong codes. */
      ticket: string;
    };
    /**
     * @description A second factor a sign-in can finish with.
     * @enum {string}
     */
    MfaMethod: 'totp' | 'recovery_code' | 'passkey';
    /** @description `POST /auth/mfa`: the ticket and one of `code`, `recovery_code` or `passkey`. */
    MfaRequest: {
      /** @description Six digits from the authenticator app. */
      code?: string | null;
      passkey?: null | components['schemas']['PasskeyAnswer'];
      recovery_code?: string | null;
      ticket: string;
    };
    /**
     * @description `GET /ops/models`: the registry (newest versions first), the experiment running, and the
     *     decisions that ended the last ones.
     */
    ModelRegistry: {
      decisions: components['schemas']['ExperimentDecision'][];
      /** @description The experiments running: at most one per kind. */
      running: components['schemas']['RunningExperiment'][];
      /** @description Recommender versions, then matcher weight sets, newest first. */
      versions: components['schemas']['ModelVersion'][];
    };
    /** @description A model version in the registry. */
    ModelVersion: {
      /** Format: date-time */
      first_served: string;
      /**
       * Format: int64
       * @description What it learned from: RSVPs and check-ins (recommenders), or outcomes of suggested pairs
       *     (weight sets).
       */
      interactions: number;
      /**
       * @description `recommender` (a collaborative model) or `matcher` (a weight set of the suggestions'
       *     score).
       */
      kind: string;
      /**
       * @description Offline metrics by name, where they apply: for a learned weight set, `loss_hand_set` and
       *     `loss_learned` (balanced logistic loss on the outcomes it was fitted to; lower is better,
       *     0.693 is a coin toss), `positives` and `negatives`.
       */
      offline: {
        [key: string]: number;
      };
      online?: null | components['schemas']['RecommenderOutcome'];
      online_suggestions?: null | components['schemas']['MatcherOutcome'];
      /** @description `canary`, `current`, `retired` (replaced by a newer current) or `rolled_back`. */
      status: string;
      /**
       * Format: date-time
       * @description When it was trained (weight sets: learned); its training data window ends here.
       */
      trained_at: string;
      /**
       * @description A number for recommenders; `default` or the four weights (`w{fit}-{about}-{tags}-{context}`)
       *     for weight sets.
       */
      version: string;
    };
    /** @enum {string} */
    MyEventsRole: 'organizing' | 'attending';
    /** @description How the event did at bringing people together. */
    Networking: {
      /** Format: int64 */
      checked_in: number;
      /**
       * Format: double
       * @description `with_accepted_meeting / checked_in` (0 with nobody checked in).
       */
      share: number;
      /**
       * Format: int64
       * @description Checked-in people with at least one accepted meeting.
       */
      with_accepted_meeting: number;
    };
    /** @enum {string} */
    NotReadyReason: 'database';
    /** @description `POST /api/v1/conversations`. */
    OpenConversation: {
      /** Format: uuid */
      user_id: string;
    };
    OrganizerRequest: {
      /** Format: uuid */
      user_id: string;
    };
    /**
     * @description A screen of the web app (or a mobile app's equivalent), never its full address.
     * @enum {string}
     */
    Page:
      | 'discover'
      | 'event'
      | 'live'
      | 'manage_event'
      | 'edit_event'
      | 'organize'
      | 'new_event'
      | 'meetings'
      | 'messages'
      | 'profile'
      | 'account_security'
      | 'sign_in'
      | 'sign_up'
      | 'verify_email'
      | 'reset_password'
      | 'operator';
    /**
     * @description One page of a list endpoint. `next_cursor` is opaque; pass it back as `cursor` to get the next
     *     page, and stop when it is `null`.
     */
    Page_Announcement: {
      items: {
        /** Format: uuid */
        author_id: string;
        body: string;
        /** Format: date-time */
        created_at: string;
        /** Format: uuid */
        event_id: string;
        /** Format: uuid */
        id: string;
      }[];
      next_cursor?: string | null;
      /**
       * Format: uuid
       * @description Where the page is a list shown to a signed-in person (event search and browsing): the id
       *     its items were recorded under, for a client to quote when one is opened
       *     (`POST /analytics/events`).
       */
      request_id?: string | null;
    };
    /**
     * @description One page of a list endpoint. `next_cursor` is opaque; pass it back as `cursor` to get the next
     *     page, and stop when it is `null`.
     */
    Page_Attendee: {
      items: {
        checked_in: boolean;
        profile: components['schemas']['Profile'];
        status: components['schemas']['RsvpStatus'];
        /**
         * Format: int64
         * @description Shown to organizers only.
         */
        waitlist_position?: number | null;
      }[];
      next_cursor?: string | null;
      /**
       * Format: uuid
       * @description Where the page is a list shown to a signed-in person (event search and browsing): the id
       *     its items were recorded under, for a client to quote when one is opened
       *     (`POST /analytics/events`).
       */
      request_id?: string | null;
    };
    /**
     * @description One page of a list endpoint. `next_cursor` is opaque; pass it back as `cursor` to get the next
     *     page, and stop when it is `null`.
     */
    Page_Block: {
      items: {
        /** Format: date-time */
        created_at: string;
        /** @description Their name now, so that the one who blocked them knows whom they would unblock. */
        display_name: string;
        /** Format: uuid */
        user_id: string;
      }[];
      next_cursor?: string | null;
      /**
       * Format: uuid
       * @description Where the page is a list shown to a signed-in person (event search and browsing): the id
       *     its items were recorded under, for a client to quote when one is opened
       *     (`POST /analytics/events`).
       */
      request_id?: string | null;
    };
    /**
     * @description One page of a list endpoint. `next_cursor` is opaque; pass it back as `cursor` to get the next
     *     page, and stop when it is `null`.
     */
    Page_ChannelMessage: {
      items: {
        /** @description What the message says; its `kind` depends on the channel (see [`MessageBody`]). */
        body: components['schemas']['MessageBody'];
        channel: string;
        /** Format: int64 */
        epoch: number;
        /**
         * Format: int64
         * @description Position in the channel: 1, 2, 3, ... without gaps within an epoch.
         */
        offset: number;
        /**
         * Format: uuid
         * @description Who posted it; absent for messages from the system.
         */
        sender?: string | null;
        /** Format: date-time */
        sent_at: string;
      }[];
      next_cursor?: string | null;
      /**
       * Format: uuid
       * @description Where the page is a list shown to a signed-in person (event search and browsing): the id
       *     its items were recorded under, for a client to quote when one is opened
       *     (`POST /analytics/events`).
       */
      request_id?: string | null;
    };
    /**
     * @description One page of a list endpoint. `next_cursor` is opaque; pass it back as `cursor` to get the next
     *     page, and stop when it is `null`.
     */
    Page_ConversationSummary: {
      items: {
        /** @description The realtime channel: `dm:{id}`. */
        channel: string;
        /** Format: uuid */
        id: string;
        /**
         * Format: date-time
         * @description When the last message was sent, or the conversation opened when there is none; the list
         *     is ordered by it, newest first.
         */
        last_activity_at: string;
        last_message?: null | components['schemas']['LastMessage'];
        /** @description The other participant. */
        with: components['schemas']['ConversationPeer'];
      }[];
      next_cursor?: string | null;
      /**
       * Format: uuid
       * @description Where the page is a list shown to a signed-in person (event search and browsing): the id
       *     its items were recorded under, for a client to quote when one is opened
       *     (`POST /analytics/events`).
       */
      request_id?: string | null;
    };
    /**
     * @description One page of a list endpoint. `next_cursor` is opaque; pass it back as `cursor` to get the next
     *     page, and stop when it is `null`.
     */
    Page_Event: {
      items: {
        /**
         * Format: date-time
         * @description When the event was cancelled (its organizer closed their account and nobody else
         *     organizes it); `null` while it is on. A cancelled event takes no RSVPs or check-ins.
         */
        cancelled_at?: string | null;
        /** Format: int64 */
        capacity?: number | null;
        /** Format: int64 */
        checked_in_count: number;
        /** @description The code attendees type to check themselves in; shown to organizers only. */
        checkin_code?: string | null;
        /** Format: date-time */
        created_at: string;
        description: string;
        /**
         * Format: double
         * @description Kilometres from the searched point, on searches by distance.
         */
        distance_km?: number | null;
        /** Format: date-time */
        ends_at: string;
        /** Format: int64 */
        going_count: number;
        /** Format: uuid */
        id: string;
        /** Format: int64 */
        interested_count: number;
        /** @description Whether the caller organizes this event. */
        is_organizer: boolean;
        my_rsvp?: null | components['schemas']['RsvpStatus'];
        online_url?: string | null;
        organizer_ids: string[];
        /**
         * Format: int64
         * @description Seats left, `null` when the event has no capacity limit.
         */
        seats_left?: number | null;
        /**
         * Format: date-time
         * @description In the event's own time zone.
         */
        starts_at: string;
        tags: string[];
        timezone: string;
        title: string;
        venue?: null | components['schemas']['Venue'];
        visibility: components['schemas']['EventVisibility'];
        /** Format: int64 */
        waitlist_count: number;
      }[];
      next_cursor?: string | null;
      /**
       * Format: uuid
       * @description Where the page is a list shown to a signed-in person (event search and browsing): the id
       *     its items were recorded under, for a client to quote when one is opened
       *     (`POST /analytics/events`).
       */
      request_id?: string | null;
    };
    /**
     * @description One page of a list endpoint. `next_cursor` is opaque; pass it back as `cursor` to get the next
     *     page, and stop when it is `null`.
     */
    Page_Meeting: {
      items: {
        /** @description Once accepted: the DM channel of the two participants (`dm:{id}`). */
        channel?: string | null;
        /** Format: date-time */
        created_at: string;
        /** Format: date-time */
        ends_at: string;
        /** Format: uuid */
        event_id: string;
        from: components['schemas']['Participant'];
        /** Format: uuid */
        id: string;
        message: string;
        place: string;
        /** Format: date-time */
        starts_at: string;
        status: components['schemas']['MeetingStatus'];
        to: components['schemas']['Participant'];
        /** Format: date-time */
        updated_at: string;
      }[];
      next_cursor?: string | null;
      /**
       * Format: uuid
       * @description Where the page is a list shown to a signed-in person (event search and browsing): the id
       *     its items were recorded under, for a client to quote when one is opened
       *     (`POST /analytics/events`).
       */
      request_id?: string | null;
    };
    /** @description Someone taking part in a meeting, as the other party sees them. */
    Participant: {
      display_name: string;
      headline: string;
      /** Format: uuid */
      id: string;
    };
    /**
     * @description Answer to `POST /me/passkeys`: the new passkey and, when it turned two-step sign-in on,
     *     the ten recovery codes, shown this once.
     */
    PasskeyAdded: {
      passkey: components['schemas']['PasskeyInfo'];
      recovery_codes?: string[] | null;
    };
    /** @description The authenticator's answer to a [`PasskeyChallenge`]. */
    PasskeyAnswer: {
      /** Format: uuid */
      challenge_id: string;
      /**
       * @description The `PublicKeyCredential` as JSON (`PublicKeyCredential.toJSON()`): `id`, `rawId`,
       *     `type` and `response` with its binary fields as unpadded base64url.
       */
      credential: Record<string, never>;
    };
    /**
     * @description A WebAuthn ceremony the server started: pass `options` to `navigator.credentials.create()`
     *     (registration) or `navigator.credentials.get()` (sign-in), after decoding its base64url
     *     fields (`challenge`, `user.id`, each credential `id`), then send the credential back with
     *     `challenge_id`. Single use, valid for 5 minutes.
     */
    PasskeyChallenge: {
      /** Format: uuid */
      challenge_id: string;
      /**
       * @description `{publicKey: {...}}`: WebAuthn's `PublicKeyCredentialCreationOptions` or
       *     `PublicKeyCredentialRequestOptions`, binary fields as unpadded base64url.
       */
      options: Record<string, never>;
    };
    /** @description A registered passkey. */
    PasskeyInfo: {
      /** Format: date-time */
      created_at: string;
      /** Format: uuid */
      id: string;
      /** Format: date-time */
      last_used_at?: string | null;
      name: string;
    };
    /** @description `GET /me/passkeys`. */
    PasskeyList: {
      items: components['schemas']['PasskeyInfo'][];
    };
    /** @description `POST /me/passkeys`: the registration's answer and a name for the passkey. */
    PasskeyRegistration: components['schemas']['PasskeyAnswer'] & {
      /** @description What the owner calls it ("Phone", "Laptop"); up to 60 characters. Default: "Passkey". */
      name?: string;
    };
    /** @description `PATCH /me/passkeys/{id}`. */
    PasskeyRename: {
      name: string;
    };
    /**
     * @description `POST /auth/passkey/options`: sign in with a passkey alone (no body, or no ticket), or finish
     *     a sign-in with a passkey as the second factor (the ticket from login).
     */
    PasskeySignInStart: {
      ticket?: string | null;
    };
    /** @description `POST /me/password`. */
    PasswordChange: components['schemas']['Confirmation'] & {
      /** @description 8 to 128 characters. */
      new_password: string;
    };
    /** @description `POST /auth/password/forgot`. */
    PasswordForgot: {
      email: string;
    };
    /** @description `POST /auth/password/reset`: the token from the mailed link and the new password. */
    PasswordReset: {
      new_password: string;
      token: string;
    };
    PipelineState: {
      /** Format: int64 */
      queued: number;
      /**
       * Format: double
       * @description Age of the newest event already counted in the rollups (the hourly rollups are updated in
       *     the same transaction as the raw events, so this is the time since the last write).
       */
      rollup_lag_secs: number;
      /**
       * Format: double
       * @description Age of the oldest event not yet written, in seconds (0 when none waits).
       */
      write_lag_secs: number;
    };
    /** @description `GET /ops/analytics`: the platform over the last `days` days (operator token). */
    PlatformAnalytics: {
      active: components['schemas']['ActivePoint'][];
      cohorts: components['schemas']['Cohort'][];
      /** Format: int32 */
      days: number;
      matchers: components['schemas']['MatcherOutcome'][];
      /** @description Events waiting to be written, and how far behind the writer and the rollups are. */
      pipeline: components['schemas']['PipelineState'];
      recommenders: components['schemas']['RecommenderOutcome'][];
      volume: components['schemas']['DayVolume'][];
    };
    /** @description A profile as other people see it. */
    Profile: {
      bio: string;
      display_name: string;
      headline: string;
      /** Format: uuid */
      id: string;
      /** @description Lower-case tags, e.g. `rust`, `climate-tech`. */
      interests: string[];
      /** @description Short phrases of what this person can give: "intros to climate investors". */
      offering: string[];
      /** @description Short phrases of what this person looks for: "a Rust mentor". */
      seeking: string[];
    };
    /** @description `PATCH /me`: every field is optional; absent fields are left as they are. */
    ProfileUpdate: {
      bio?: string | null;
      display_name?: string | null;
      headline?: string | null;
      interests?: string[] | null;
      /** @description Opt in to (or out of) "people to meet" suggestions. */
      matchmaking?: boolean | null;
      offering?: string[] | null;
      seeking?: string[] | null;
      visibility?: null | components['schemas']['ProfileVisibility'];
    };
    /**
     * @description Who may see a profile.
     * @enum {string}
     */
    ProfileVisibility: 'public' | 'attendees' | 'hidden';
    /** @description An identity provider people may sign in with. */
    ProviderInfo: {
      /** @description In `/auth/oidc/{id}/start`. */
      id: string;
      kind: components['schemas']['ProviderKind'];
      /** @description For the button: "Google". */
      name: string;
    };
    /**
     * @description How Mingle speaks to an identity provider.
     * @enum {string}
     */
    ProviderKind: 'oidc' | 'oauth2';
    /** @description `GET /auth/providers`. */
    ProviderList: {
      items: components['schemas']['ProviderInfo'][];
      /**
       * @description The domain passkeys belong to (the WebAuthn relying party id), when this deployment
       *     offers passkeys: pages on that domain or below it can use them.
       */
      passkey_rp_id?: string | null;
    };
    /** @description Where to send the browser to link a provider to the signed-in account. */
    ProviderRedirect: {
      url: string;
    };
    /** @description `GET /readyz`: whether the node can serve (200 `ready`) or not (503 `unavailable`). */
    Readiness: {
      broker?: null | components['schemas']['BrokerState'];
      reason?: null | components['schemas']['NotReadyReason'];
      status: components['schemas']['ReadyStatus'];
    };
    /** @enum {string} */
    ReadyStatus: 'ready' | 'unavailable';
    /** @description `GET /recommendations/events`, best first. */
    RecommendationList: {
      items: components['schemas']['EventRecommendation'][];
      /**
       * Format: int64
       * @description Version of the collaborative model that ranked them; `null` while there is none (too
       *     little activity yet, or not trained since start-up): content and context alone.
       */
      model_version?: number | null;
      /**
       * Format: uuid
       * @description The id the list's items were recorded under, for a client to quote when it opens one
       *     (`POST /analytics/events`).
       */
      request_id: string;
    };
    /** @description The collaborative recommendation model in service. */
    RecommendationModel: {
      /**
       * Format: int64
       * @description Events it knows.
       */
      events: number;
      /**
       * Format: int64
       * @description RSVPs and check-ins it learned from.
       */
      interactions: number;
      /** Format: date-time */
      trained_at: string;
      /**
       * Format: int64
       * @description 1 for the first model trained by this process, then one more for each.
       */
      version: number;
    };
    /** @description `GET /ops/recommendations/model`. */
    RecommendationModelStatus: {
      model?: null | components['schemas']['RecommendationModel'];
      /** @description Whether a training is running now. */
      training: boolean;
    };
    /** @description How one recommender version did with the people it ranked for. */
    RecommenderOutcome: {
      /** Format: double */
      ctr_at_10: number;
      /**
       * Format: double
       * @description Opens of items shown in the first 5 and 10 places, over impressions in those places.
       */
      ctr_at_5: number;
      /** Format: int64 */
      impressions: number;
      /** @description `content` for lists ranked without a collaborative model. */
      model_version: string;
      /**
       * Format: double
       * @description RSVPs per impression.
       */
      rsvp_rate: number;
      /**
       * Format: int64
       * @description RSVPs attributed to this version's lists.
       */
      rsvps: number;
    };
    /** @description Single-use recovery codes, shown once. */
    RecoveryCodes: {
      codes: string[];
    };
    RefreshRequest: {
      /**
       * @description The refresh token; empty (or absent) when the web app keeps it in its cookie and sends
       *     `X-Refresh-Cookie: 1`.
       */
      refresh_token?: string;
    };
    RegisterRequest: {
      display_name: string;
      /** Format: email */
      email: string;
      /** @description 8 to 128 characters. */
      password: string;
    };
    /** @description Recommended replicas per role: what the peak needs with the headroom, within the bounds. */
    ReplicaCounts: {
      /**
       * Format: int32
       * @description `mingle matcher` workers: for the check-ins and full builds.
       */
      matcher: number;
      /**
       * Format: int32
       * @description Server nodes: for the connections or the deliveries, whichever needs more.
       */
      node: number;
    };
    /** @description `POST /events/{id}/meetings`. */
    RequestMeeting: {
      /**
       * Format: int32
       * @description 5 to 240 minutes, default 30.
       */
      duration_minutes?: number | null;
      /** @description Up to 500 characters. */
      message?: string;
      /** @description Where to meet, up to 200 characters: "by the coffee bar". */
      place?: string;
      /**
       * Format: date-time
       * @description Proposed start, within the event.
       */
      starts_at: string;
      /** Format: uuid */
      to_user_id: string;
    };
    /** @description `POST /ops/recommendations/retrain` (202): a training has started. */
    RetrainStarted: {
      /** @description Always true. */
      training: boolean;
      /**
       * Format: int64
       * @description The version serving until the new one is ready; `null` when none is.
       */
      version_in_service?: number | null;
    };
    /** @description The caller's RSVP to an event. */
    Rsvp: {
      /** Format: date-time */
      checked_in_at?: string | null;
      /** Format: uuid */
      event_id: string;
      /** @description Personal code to show an organizer at the door. */
      personal_code: string;
      status: components['schemas']['RsvpStatus'];
      /** Format: date-time */
      updated_at: string;
      /** Format: uuid */
      user_id: string;
      /**
       * Format: int64
       * @description 1-based place in the waitlist when `waitlisted`.
       */
      waitlist_position?: number | null;
    };
    /**
     * @description What an attendee may ask for; `waitlisted` is the server's answer when the event is full.
     * @enum {string}
     */
    RsvpIntent: 'going' | 'interested';
    RsvpRequest: {
      status: components['schemas']['RsvpIntent'];
    };
    /** @enum {string} */
    RsvpStatus: 'going' | 'interested' | 'waitlisted';
    /** @description The experiment running now. */
    RunningExperiment: {
      canary_version: string;
      control_version?: string | null;
      experiment: string;
      /** @description `recommender` or `matcher`. */
      kind: string;
      last_look?: null | components['schemas']['ExperimentLook'];
      /**
       * Format: double
       * @description Share of people served the canary.
       */
      share: number;
      /** Format: date-time */
      started_at: string;
    };
    /** @description The state of the account's second factor. */
    SecurityOverview: {
      email_verified: boolean;
      /**
       * Format: int64
       * @description Passkeys registered (each is a way to sign in and a second factor).
       */
      passkeys: number;
      /**
       * Format: int64
       * @description Unused recovery codes left.
       */
      recovery_codes_left: number;
      /**
       * Format: int64
       * @description Signed-in devices.
       */
      sessions: number;
      totp_enabled: boolean;
      /**
       * @description Whether signing in with a password or a provider asks for a second factor (an
       *     authenticator app or a passkey is set up).
       */
      two_step: boolean;
    };
    /** @description Answer to register (without address confirmation first), login and refresh. */
    Session: {
      /** @description Short-lived JWT for `Authorization: Bearer`. */
      access_token: string;
      /**
       * Format: int64
       * @description Seconds until `access_token` expires.
       */
      expires_in: number;
      /**
       * @description Single-use token for `POST /auth/refresh`. Each refresh returns a new one; presenting an
       *     already used one revokes the whole session. Empty when the request sent
       *     `X-Refresh-Cookie: 1`: the token is then in the `HttpOnly` cookie `mingle_refresh`.
       */
      refresh_token: string;
      /** @description Always `Bearer`. */
      token_type: string;
      user: components['schemas']['Me'];
    };
    /** @description One device signed in to the account. */
    SessionInfo: {
      /** @description The address it signed in from. */
      address: string;
      /** Format: date-time */
      created_at: string;
      /** @description The session of the token making this request. */
      current: boolean;
      /** Format: uuid */
      id: string;
      /** Format: date-time */
      last_used_at: string;
      /** @description The browser or app, as it named itself. */
      user_agent: string;
    };
    /** @description `GET /me/sessions`. */
    SessionList: {
      items: components['schemas']['SessionInfo'][];
    };
    /**
     * @description Answer to `POST /auth/register` when sign-up confirms the address first: the same whether or
     *     not the address already has an account, so it tells nobody who has one. A mail to the address
     *     says what comes next (a link that finishes signing up, or a note to an account's owner).
     */
    SignupPending: {
      /** @description The address the mail went to, as the server normalized it. */
      email: string;
      /** @description Always `true`: the account works once the link mailed to `email` is opened. */
      verification_required: boolean;
    };
    /**
     * @description How a person came to an event they RSVP'd to: the list they last opened it from in the week
     *     before, or `link` when they opened it from no list (a shared link, a bookmark).
     * @enum {string}
     */
    Source: 'recommendations' | 'search' | 'browse' | 'notifications' | 'link';
    SourceShare: {
      /** Format: int64 */
      rsvps: number;
      /**
       * Format: double
       * @description Share of the event's attributed RSVPs, in [0, 1].
       */
      share: number;
      source: components['schemas']['Source'];
    };
    /**
     * @description A step of an event's funnel: people who reached it at least once.
     * @enum {string}
     */
    Stage: 'viewed' | 'rsvped' | 'checked_in' | 'chatted' | 'meeting_requested' | 'meeting_accepted' | 'met';
    /** @description The suggested person, briefly. */
    SuggestedUser: {
      display_name: string;
      headline: string;
      /** Format: uuid */
      id: string;
    };
    Suggestion: {
      /** @description Why, in words, strongest first. */
      reasons: string[];
      /**
       * Format: float
       * @description Reciprocal match score in [0, 1]: high only when the match is good for both.
       */
      score: number;
      user: components['schemas']['SuggestedUser'];
    };
    /** @description `POST /events/{id}/suggestions/{user_id}/feedback`. */
    SuggestionFeedback: {
      verdict: components['schemas']['Verdict'];
    };
    /**
     * @description `GET /events/{id}/suggestions`, best first. Also pushed on `user:{id}` as a message whose
     *     body is `{"kind": "suggestions", "event_id", "items"}` whenever the list changes.
     */
    SuggestionList: {
      items: components['schemas']['Suggestion'][];
      /**
       * Format: uuid
       * @description The id the list's items were recorded under (`GET` answers only), for a client to quote
       *     when it opens one (`POST /analytics/events`).
       */
      request_id?: string | null;
    };
    /** @description A span of time. */
    TimeSlot: {
      /** Format: date-time */
      ends_at: string;
      /** Format: date-time */
      starts_at: string;
    };
    /** @description A code from the authenticator app. */
    TotpCode: {
      code: string;
    };
    /** @description `POST /me/totp`: a new secret to add to an authenticator app, confirmed by its first code. */
    TotpEnrolment: {
      /** @description `otpauth://totp/...`, what the QR code holds. */
      otpauth_uri: string;
      /** @description Base32, for typing into the app by hand. */
      secret: string;
    };
    /** @description `PATCH /events/{id}`: absent fields are left as they are; `null` clears an optional field. */
    UpdateEvent: {
      /** Format: int64 */
      capacity?: number | null;
      description?: string | null;
      /** Format: date-time */
      ends_at?: string | null;
      online_url?: string | null;
      /** Format: date-time */
      starts_at?: string | null;
      tags?: string[] | null;
      timezone?: string | null;
      title?: string | null;
      venue?: null | components['schemas']['Venue'];
      visibility?: null | components['schemas']['EventVisibility'];
    };
    /**
     * @description One thing that happened, as the analytics pipeline stores it. The server records every kind
     *     but `page_view` and `open` itself; a client sends only those two (see [`ClientEvent`]).
     */
    UsageEvent:
      | {
          /**
           * Format: uuid
           * @description The event the list belongs to (suggestions, notifications).
           */
          event_id?: string | null;
          /**
           * Format: uuid
           * @description The event (recommendations, search, browse, notifications) or person (suggestions).
           */
          item: string;
          /** @enum {string} */
          kind: 'impression';
          list: components['schemas']['ListKind'];
          /** @description The recommender model version or the matcher weight set that ranked the list. */
          model_version?: string | null;
          /**
           * Format: int32
           * @description 0-based place in the list.
           */
          position: number;
          /**
           * Format: uuid
           * @description One id per answered list, shared by its items and quoted by an `open`.
           */
          request_id: string;
          /** @description The person's experiment arm for that model (`control` or `canary`). */
          variant?: string | null;
        }
      | {
          /** Format: uuid */
          item: string;
          /** @enum {string} */
          kind: 'open';
          list?: null | components['schemas']['ListKind'];
          /** Format: int32 */
          position?: number | null;
          /**
           * Format: uuid
           * @description The `request_id` of the impression the item was opened from.
           */
          request_id?: string | null;
        }
      | {
          /**
           * Format: uuid
           * @description The event the screen is about (event, live, manage and edit screens).
           */
          event_id?: string | null;
          /** @enum {string} */
          kind: 'page_view';
          page: components['schemas']['Page'];
        }
      | {
          /** Format: uuid */
          event_id: string;
          /** @enum {string} */
          kind: 'rsvp';
          status: components['schemas']['RsvpStatus'];
        }
      | {
          /** Format: uuid */
          event_id: string;
          /** @enum {string} */
          kind: 'rsvp_withdrawn';
        }
      | {
          /** Format: uuid */
          event_id: string;
          /** @enum {string} */
          kind: 'check_in';
        }
      | {
          /** Format: uuid */
          event_id: string;
          /** @enum {string} */
          kind: 'meeting_requested';
          /** Format: uuid */
          meeting_id: string;
          /** Format: uuid */
          with: string;
        }
      | {
          /** Format: uuid */
          event_id: string;
          /** @enum {string} */
          kind: 'meeting_accepted';
          /** Format: uuid */
          meeting_id: string;
          /** Format: uuid */
          with: string;
        }
      | {
          /** Format: uuid */
          event_id: string;
          /** @enum {string} */
          kind: 'meeting_declined';
          /** Format: uuid */
          meeting_id: string;
          /** Format: uuid */
          with: string;
        }
      | {
          /** Format: uuid */
          event_id: string;
          /** @enum {string} */
          kind: 'met';
          /** Format: uuid */
          with: string;
        }
      | {
          /** Format: uuid */
          event_id: string;
          /** @enum {string} */
          kind: 'chat_activity';
          /** Format: int32 */
          messages: number;
        }
      | {
          /** Format: uuid */
          event_id: string;
          /** @enum {string} */
          kind: 'event_created';
        }
      | {
          /** @enum {string} */
          kind: 'signed_up';
        };
    /** @description A physical place. */
    Venue: {
      address?: string;
      /** @description The city it is in, up to 100 characters: shown next to the venue's name. */
      city?: string;
      /**
       * Format: double
       * @description Degrees, -90 to 90.
       */
      lat: number;
      /**
       * Format: double
       * @description Degrees, -180 to 180.
       */
      lon: number;
      name: string;
    };
    /** @enum {string} */
    Verdict: 'not_relevant' | 'met';
    /** @description `POST /auth/email/resend`: mail a new link that finishes signing up to `email`. */
    VerificationResend: {
      email: string;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  record_events: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['AnalyticsBatch'];
      };
    };
    responses: {
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['BatchAccepted'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `not_your_action`: an event names another person as its actor */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `unknown_event_kind`, `server_recorded_kind`, `event_in_future`, `event_too_old`, `batch_too_large`, `validation_failed` */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `rate_limited`: more batches a minute from one person or signed-out address than `MINGLE_ANALYTICS_BATCHES_PER_MINUTE` (120) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `analytics_busy`: the analytics queue is more than half full; send the batch again after `Retry-After` */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  resend_signup_link: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['VerificationResend'];
      };
    };
    responses: {
      /** @description If a sign-up waits for the address, a new link is on its way */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Not an e-mail address */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests from this address or for this e-mail address */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  verify_email: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['EmailVerification'];
      };
    };
    responses: {
      /** @description The address is verified (and, after a change, the account's address); after a sign-up, with the session */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EmailVerified'];
        };
      };
      /** @description `invalid_link`, `link_expired` or `link_used` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description The new address was registered by someone else meanwhile (`email_taken`) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  login: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['LoginRequest'];
      };
    };
    responses: {
      /** @description Signed in, or the second factor is next (`mfa_required: true`) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LoginAnswer'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Wrong e-mail or password (`invalid_credentials`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description The password is right, but the sign-up waits for its address to be confirmed (`email_not_verified`) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many attempts for this account or address */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  logout: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RefreshRequest'];
      };
    };
    responses: {
      /** @description Signed out */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  mfa: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['MfaRequest'];
      };
    };
    responses: {
      /** @description Signed in */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Session'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `invalid_code` (wrong or already used code), `passkey_failed`, `invalid_challenge`, `invalid_ticket`, `ticket_expired`, `ticket_used` or `too_many_attempts` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Not exactly one of `code`, `recovery_code` and `passkey` */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many attempts for this account */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  app_token: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['AppTokenRequest'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LoginAnswer'];
        };
      };
      /** @description `invalid_code` (unknown, used, expired, or the verifier does not match) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  callback: {
    parameters: {
      query?: {
        code?: string;
        state?: string;
        /** @description The provider's error, when the person declined or it failed. */
        error?: string;
      };
      header?: never;
      path: {
        provider: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Back to the web app or the app */
      303: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  start_link: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        provider: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ProviderRedirect'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `unknown_provider` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  start: {
    parameters: {
      query?: {
        /** @description An app's redirect URI (one of `MINGLE_APP_REDIRECT_URIS`); absent for the web app. */
        redirect_uri?: string;
        /**
         * @description The app's PKCE challenge (S256: base64url of the SHA-256 of its verifier), with
         *     `redirect_uri`.
         */
        code_challenge?: string;
        /** @description Only `S256`. */
        code_challenge_method?: string;
      };
      header?: never;
      path: {
        provider: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description To the provider */
      303: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `unknown_provider` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `invalid_redirect_uri`, `code_challenge_required`, `provider_error` */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  sign_in: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PasskeyAnswer'];
      };
    };
    responses: {
      /** @description Signed in */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Session'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `passkey_not_recognized`, `passkey_failed`, `invalid_challenge` or `challenge_expired` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `passkeys_unavailable` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  sign_in_options: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': null | components['schemas']['PasskeySignInStart'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PasskeyChallenge'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `invalid_ticket`, `ticket_expired`, `ticket_used`, or `no_passkeys` (the account has none) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `passkeys_unavailable` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  forgot_password: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PasswordForgot'];
      };
    };
    responses: {
      /** @description If the address has an account, a link is on its way */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Not an e-mail address */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests from this address or for this account */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  reset_password: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PasswordReset'];
      };
    };
    responses: {
      /** @description Password changed (and a waiting sign-up finished); sign in with it */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `invalid_link`, `link_expired` or `link_used` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Password too short or too long */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  list_providers: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ProviderList'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  refresh: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RefreshRequest'];
      };
    };
    responses: {
      /** @description New tokens */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Session'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `invalid_refresh_token`, `refresh_token_expired` or `refresh_token_reused` */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  register: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RegisterRequest'];
      };
    };
    responses: {
      /** @description Account created and signed in (sign-up without address confirmation first) */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Session'];
        };
      };
      /** @description Sign-up confirms the address first: a mail is on its way to it, whether or not it has an account */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SignupPending'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description E-mail already registered (`email_taken`; only without address confirmation first) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many attempts from this address, or mails to this e-mail address */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  history: {
    parameters: {
      query?: {
        /** @description Only messages with a smaller offset; default: the newest. */
        before?: number;
        /** @description 1 to 100, default 50. */
        limit?: number;
      };
      header?: never;
      path: {
        /** @description e.g. `event:{id}:chat` */
        channel: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Page of channel messages */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Page_ChannelMessage'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  list_conversations: {
    parameters: {
      query?: {
        /** @description 1 to 100, default 20. */
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Page_ConversationSummary'];
        };
      };
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  open_conversation: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['OpenConversation'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Conversation'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Blocked */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  search_events: {
    parameters: {
      query?: {
        /** @description Full-text query over title, description, tags, the venue's name and its city. */
        q?: string;
        /** @description Only events with this tag. */
        tag?: string;
        /** @description Only events that end at or after this instant (RFC 3339). Defaults to now. */
        from?: string;
        /** @description Only events that start at or before this instant (RFC 3339). */
        to?: string;
        /** @description Latitude of the point to search around; needs `lon`. */
        lat?: number;
        lon?: number;
        /** @description Search radius in kilometres around `lat`/`lon`, default 50. */
        radius_km?: number;
        /** @description 1 to 100, default 20. */
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Page_Event'];
        };
      };
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  create_event: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateEvent'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Event'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `mfa_required_for_organizers` where the deployment requires a second factor */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  get_event: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Event'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  delete_event: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  update_event: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateEvent'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Event'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  event_activity: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EventActivity'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  event_analytics: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EventAnalytics'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  export_event_analytics: {
    parameters: {
      query: {
        chart: 'funnel' | 'over_time' | 'sources' | 'networking';
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/csv': string;
        };
      };
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  list_announcements: {
    parameters: {
      query?: {
        /** @description 1 to 100, default 20. */
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Page_Announcement'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  post_announcement: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateAnnouncement'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Announcement'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  list_attendees: {
    parameters: {
      query?: {
        /** @description 1 to 100, default 20. */
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Page_Attendee'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `not_attending` (unlisted events) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  attendees_csv: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/csv': string;
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  check_in: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CheckinRequest'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Checkin'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `checkin_closed`, `not_going` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  request_meeting: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RequestMeeting'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Meeting'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `already_requested`, `slot_taken` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  free_times: {
    parameters: {
      query: {
        /** @description The other person. */
        with: string;
        /** @description 5 to 240 minutes, default 30. */
        duration_minutes?: number;
        /** @description The earliest start wanted (RFC 3339); now, or the event's start, when absent. */
        after?: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['FreeTimes'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  add_organizer: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['OrganizerRequest'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Event'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  remove_organizer: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
        user_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Removed */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  get_rsvp: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Rsvp'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  set_rsvp: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RsvpRequest'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Rsvp'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `event_ended`, `already_checked_in` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  cancel_rsvp: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Withdrawn */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  audience_segments: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AudienceSegments'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description The text model is not installed */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  suggestions: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SuggestionList'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `matchmaking_off` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description The matcher's model is not installed */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  feedback: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
        user_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SuggestionFeedback'];
      };
    };
    responses: {
      /** @description Recorded */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `matchmaking_off` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  get_me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Me'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  delete_me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['Confirmation'];
      };
    };
    responses: {
      /** @description Deleted */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `wrong_password` or `invalid_code` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description No confirmation (`confirmation_required`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  update_me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ProfileUpdate'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Me'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  list_blocks: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Page_Block'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  block_user: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['BlockRequest'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Block'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  unblock_user: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Blocked user */
        user_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Unblocked */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  change_email: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['EmailChange'];
      };
    };
    responses: {
      /** @description A link is on its way to the new address */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `wrong_password` or `invalid_code` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Not an e-mail address, the same as now, or no confirmation */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  resend_verification: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A new link is on its way (earlier ones stop working) */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Already verified (`already_verified`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  my_events: {
    parameters: {
      query?: {
        /** @description `organizing`, `attending` (any RSVP), or both when absent. */
        role?: components['schemas']['MyEventsRole'];
        /** @description Also list events that have ended. Default false. */
        include_past?: boolean;
        /** @description 1 to 100, default 20. */
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Page_Event'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  export: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AccountExport'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  list_identities: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['IdentityList'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  unlink: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        provider: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Unlinked */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Not linked */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `last_sign_in_method` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  my_meetings: {
    parameters: {
      query?: {
        status?: components['schemas']['MeetingStatus'];
        event_id?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Page_Meeting'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  list: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PasskeyList'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  add: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PasskeyRegistration'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PasskeyAdded'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `passkey_failed`, `invalid_challenge` or `challenge_expired` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `passkey_exists` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Name too long */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  confirmation_options: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PasskeyChallenge'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `passkeys_unavailable` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `no_passkeys`: the account has none */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  registration_options: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PasskeyChallenge'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `passkeys_unavailable` */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `too_many_passkeys` */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  remove: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Passkey id */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['Confirmation'];
      };
    };
    responses: {
      /** @description Removed */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `wrong_password`, `invalid_code`, `passkey_failed` or `reauthentication_required` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `last_sign_in_method` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  rename: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Passkey id */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PasskeyRename'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PasskeyInfo'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  change_password: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PasswordChange'];
      };
    };
    responses: {
      /** @description Changed; other sessions ended */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `wrong_password` or `invalid_code` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description New password too short or too long, or no confirmation */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  new_recovery_codes: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['Confirmation'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RecoveryCodes'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `wrong_password` or `invalid_code` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Two-step sign-in is off: no authenticator app or passkey (`two_step_off`) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  overview: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SecurityOverview'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  list_sessions: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionList'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  revoke_other_sessions: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every other session ended */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  revoke_session: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Session id */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Signed out */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description No such open session */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  start_totp: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TotpEnrolment'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description An app is already set up (`already_enrolled`) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  remove_totp: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['Confirmation'];
      };
    };
    responses: {
      /** @description Removed */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `wrong_password` or `invalid_code` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  confirm_totp: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['TotpCode'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RecoveryCodes'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Wrong code (`invalid_code`) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Nothing to confirm (`nothing_pending`) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body larger than 64 KiB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Body not sent as `application/json` */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  accept: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Meeting'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  cancel: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Meeting'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  decline: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Meeting'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  recommended_events: {
    parameters: {
      query?: {
        /** @description 1 to 50, default 20. */
        limit?: number;
        /** @description Where the user is, to favour nearby events; needs `lon`. */
        lat?: number;
        lon?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RecommendationList'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  get_user: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description User id */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Profile'];
        };
      };
      /** @description Malformed path, query or body (`invalid_path`, `invalid_query`, `malformed_json`, `invalid_cursor`) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Missing, invalid or expired access token */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description No such user, or not visible to you */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Invalid fields (`validation_failed`, with `fields`) or body of the wrong shape (`invalid_body`) */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  healthz: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Health'];
        };
      };
    };
  };
  platform_analytics: {
    parameters: {
      query?: {
        /** @description 1 to 365, default 30. */
        days?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PlatformAnalytics'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `ops_disabled`: MINGLE_OPS_TOKEN is not set */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  cache_status: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CacheStatus'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `ops_disabled`: MINGLE_OPS_TOKEN is not set */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  capacity: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CapacityForecast'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `ops_disabled`: MINGLE_OPS_TOKEN is not set */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `unavailable`: no forecast made yet */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  model_registry: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelRegistry'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `ops_disabled` */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  force_decision: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description `recommender` or `matcher` */
        kind: string;
        /** @description `promote` or `rollback` */
        verdict: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ExperimentDecision'];
        };
      };
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `no_experiment`: no canary of that kind is running */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  recommendation_model: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RecommendationModelStatus'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `ops_disabled`: MINGLE_OPS_TOKEN is not set */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  retrain_recommendations: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RetrainStarted'];
        };
      };
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `ops_disabled`: MINGLE_OPS_TOKEN is not set */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
      /** @description `already_training` */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorBody'];
        };
      };
    };
  };
  readyz: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Readiness'];
        };
      };
      /** @description not ready */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Readiness'];
        };
      };
    };
  };
}
