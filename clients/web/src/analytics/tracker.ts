// Usage analytics from the browser: the screens people look at (`page_view`) and what they open
// from a list they were shown (`open`); the server records everything else (RSVPs, check-ins,
// meetings, the lists themselves) on its own. Events wait in a queue and go to
// `POST /api/v1/analytics/events` in batches: once 20 are waiting, every 10 seconds, at once after
// an open (the server credits an RSVP to the list its event was opened from only when the open
// reached it first), and when the page is hidden or left, then through `navigator.sendBeacon`,
// which outlives the page.
//
// Analytics never gets in the person's way: nothing here blocks a screen or throws into one, a
// batch that fails is tried once more and then dropped, and a browser that asks not to be tracked
// (Do Not Track, Global Privacy Control) sends nothing at all.

import { validAccessToken } from '../app/session';
import type { AuthState } from '../app/authSlice';
import type { AnalyticsBatch, ClientEvent, ListKind, Page } from '../app/types';

export const ANALYTICS_ENDPOINT = '/api/v1/analytics/events';
/** Events waiting that make a batch worth sending at once. */
export const FLUSH_AT = 20;
/** How often what is waiting is sent anyway. */
export const FLUSH_EVERY_MS = 10_000;
/** The most events the server takes in one batch (`MAX_BATCH_EVENTS`). */
export const MAX_BATCH = 100;
/** The most events kept while the server cannot be reached; the oldest go first. */
const MAX_QUEUE = 500;
/** The server refuses a batch holding an event older than a day; older ones are left out before sending. */
const MAX_AGE_MS = 24 * 3600_000 - 5 * 60_000;

/** Where the access token comes from: the app's session. */
export interface TrackerSession {
  /** A valid token for a send that can wait for a refresh; null signed out. */
  token(): Promise<string | null>;
  /** The token held now, for a send as the page goes away, with no time to refresh. */
  tokenNow(): string | null;
}

/** What the tracker needs of the browser; tests hand in their own. */
export interface TrackerEnvironment {
  fetch: typeof fetch;
  /** `navigator.sendBeacon`, where the browser has it. */
  sendBeacon?: (url: string, data: Blob) => boolean;
  now: () => number;
  /** Whether the browser asks not to be tracked. */
  refused: boolean;
}

/** An item opened from a list: which list answer (`request_id`) and where in it (0-based). */
export interface Opened {
  item: string;
  list: ListKind;
  position: number;
  request_id?: string | null;
}

interface Waiting {
  event: ClientEvent;
  /** Whether a send of it already failed once. */
  retried: boolean;
}

/** What the tracker listens to: the window (`pagehide`) and the document (`visibilitychange`). */
interface Listening {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

type PrivacyNavigator = Pick<Navigator, 'doNotTrack'> & { globalPrivacyControl?: boolean };

/** Whether the browser asks not to be tracked: `DNT: 1` or `Sec-GPC: 1`, as scripts see them. */
export function trackingRefused(navigator: PrivacyNavigator | undefined): boolean {
  return navigator?.doNotTrack === '1' || navigator?.globalPrivacyControl === true;
}

/** The browser's own means, read when the tracker is made. */
export function browserEnvironment(): TrackerEnvironment {
  const nav = globalThis.navigator as (Navigator & PrivacyNavigator) | undefined;
  return {
    fetch: (...args) => globalThis.fetch(...args),
    sendBeacon: typeof nav?.sendBeacon === 'function' ? (url, data) => nav.sendBeacon(url, data) : undefined,
    now: () => Date.now(),
    refused: trackingRefused(nav),
  };
}

/**
 * The session of a store: its token, refreshed first when it is about to expire (a refresh that
 * fails fails the send, which is then tried once more).
 */
export function storeSession(store: {
  getState: () => { auth: AuthState };
  dispatch: (action: unknown) => unknown;
}): TrackerSession {
  return {
    token: () => validAccessToken(store),
    tokenNow: () => store.getState().auth.accessToken,
  };
}

/**
 * Whether a failed send may work a second time: not when the server refused the batch as it is
 * (a 4xx other than an expired token or a rate limit), which a second send would only repeat.
 */
function worthRetrying(status: number | null): boolean {
  return status === null || status === 401 || status === 408 || status === 429 || status >= 500;
}

export class UsageTracker {
  private queue: Waiting[] = [];
  private sending: Promise<void> | null = null;
  /** After a failed send, what waits waits for the timer rather than sending at once again. */
  private resting = false;
  /** Whether a send was asked for while one was under way: another follows it. */
  private again = false;
  /** Items already opened from each list answer: opening one twice is one open. */
  private opened = new Set<string>();

  constructor(
    private readonly session: TrackerSession,
    private readonly env: TrackerEnvironment = browserEnvironment(),
  ) {}

  /** Events waiting to be sent (for tests and for the page leaving). */
  get waiting(): number {
    return this.queue.length;
  }

  /** A screen was shown; `eventId` names the event it is about. */
  pageView(page: Page, eventId?: string): void {
    this.add(
      eventId
        ? { at: this.at(), kind: 'page_view', page, event_id: eventId }
        : { at: this.at(), kind: 'page_view', page },
    );
  }

  /** An item was opened from a list the server answered. */
  open({ item, list, position, request_id }: Opened): void {
    const key = `${list}:${request_id ?? ''}:${item}`;
    if (request_id && this.opened.has(key)) return;
    if (this.opened.size > 1000) this.opened.clear();
    this.opened.add(key);
    if (this.add({ at: this.at(), kind: 'open', item, list, position, ...(request_id ? { request_id } : {}) })) {
      if (!this.resting) void this.flush();
    }
  }

  /** Sends everything waiting, in batches of at most 100, with the bearer token. Never rejects. */
  flush(): Promise<void> {
    if (this.sending) {
      this.again = true;
      return this.sending;
    }
    if (this.queue.length === 0) return Promise.resolve();
    this.again = false;
    this.sending = this.sendWaiting().finally(() => {
      this.sending = null;
      if (!this.resting && (this.again || this.queue.length >= FLUSH_AT)) void this.flush();
    });
    return this.sending;
  }

  /**
   * Sends everything waiting as the page goes away: by `navigator.sendBeacon`, which cannot set
   * a header, so the token travels in the body; by a `keepalive` fetch where the browser has no
   * beacon or will not take this one.
   */
  flushOnExit(): void {
    const token = this.session.tokenNow();
    while (this.queue.length > 0) {
      const events = this.takeWaiting(token).map((w) => w.event);
      if (events.length === 0) continue;
      const batch: AnalyticsBatch = token ? { events, access_token: token } : { events };
      const body = JSON.stringify(batch);
      let queued = false;
      try {
        queued = this.env.sendBeacon?.(ANALYTICS_ENDPOINT, new Blob([body], { type: 'application/json' })) ?? false;
      } catch {
        queued = false;
      }
      if (queued) continue;
      this.env
        .fetch(ANALYTICS_ENDPOINT, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          keepalive: true,
        })
        .catch(() => undefined);
    }
  }

  /**
   * Sends every 10 seconds and when the page is hidden or left; answers the function that stops
   * it.
   */
  start(target: Listening = window, doc: Listening & Pick<Document, 'visibilityState'> = document): () => void {
    const timer = setInterval(() => {
      this.resting = false;
      void this.flush();
    }, FLUSH_EVERY_MS);
    const onHidden = () => {
      if (doc.visibilityState === 'hidden') this.flushOnExit();
    };
    const onPageHide = () => this.flushOnExit();
    doc.addEventListener('visibilitychange', onHidden);
    target.addEventListener('pagehide', onPageHide);
    return () => {
      clearInterval(timer);
      doc.removeEventListener('visibilitychange', onHidden);
      target.removeEventListener('pagehide', onPageHide);
    };
  }

  private at(): string {
    return new Date(this.env.now()).toISOString();
  }

  /** Queues an event, unless the browser asks not to be tracked; answers whether it did. */
  private add(event: ClientEvent): boolean {
    if (this.env.refused) return false;
    this.queue.push({ event, retried: false });
    if (this.queue.length > MAX_QUEUE) this.queue.splice(0, this.queue.length - MAX_QUEUE);
    if (this.queue.length >= FLUSH_AT && !this.resting) void this.flush();
    return true;
  }

  /**
   * Takes the next batch off the queue: at most 100 events, none too old for the server, and,
   * without a token, page views only (the server takes nothing else from nobody).
   */
  private takeWaiting(token: string | null): Waiting[] {
    const oldest = this.env.now() - MAX_AGE_MS;
    return this.queue
      .splice(0, MAX_BATCH)
      .filter((w) => Date.parse(w.event.at) >= oldest && (token !== null || w.event.kind === 'page_view'));
  }

  private async sendWaiting(): Promise<void> {
    while (this.queue.length > 0) {
      let token: string | null;
      try {
        token = await this.session.token();
      } catch {
        this.failed(this.queue.splice(0, MAX_BATCH));
        return;
      }
      const batch = this.takeWaiting(token);
      if (batch.length === 0) continue;
      let status: number | null = null;
      try {
        const response = await this.env.fetch(ANALYTICS_ENDPOINT, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ events: batch.map((w) => w.event) } satisfies AnalyticsBatch),
        });
        if (response.ok) continue;
        status = response.status;
      } catch {
        status = null;
      }
      if (worthRetrying(status)) this.failed(batch);
      return;
    }
  }

  /** Puts a failed batch back to be sent with the next, once; what failed twice is dropped. */
  private failed(batch: Waiting[]): void {
    this.resting = true;
    const again = batch.filter((w) => !w.retried).map((w) => ({ ...w, retried: true }));
    this.queue.unshift(...again);
    if (this.queue.length > MAX_QUEUE) this.queue.splice(MAX_QUEUE);
  }
}
