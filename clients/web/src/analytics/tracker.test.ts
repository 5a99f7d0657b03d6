// The tracker batches what people see and open, sends it with their token (in the body when the
// page goes away), caps a batch at what the server takes, gives up on a failure after one more
// try, and sends nothing for a browser that asks not to be tracked.

import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ANALYTICS_ENDPOINT,
  FLUSH_AT,
  FLUSH_EVERY_MS,
  MAX_BATCH,
  trackingRefused,
  type TrackerEnvironment,
  UsageTracker,
} from './tracker';
import type { AnalyticsBatch } from '../app/types';

const EVENT = '6f1c2a4e-2b7d-4c1e-9a55-0d7e3b1f9c21';
const LIST = 'b3c9e0a2-5d4f-4e6b-8a1c-2f7d9e0b4a63';

interface Sent {
  url: string;
  init: RequestInit;
  batch: AnalyticsBatch;
}

interface Setting {
  token?: string | null;
  status?: number | 'offline';
  refused?: boolean;
  sendBeacon?: TrackerEnvironment['sendBeacon'];
  now?: () => number;
}

/** A tracker over a recording network: every request, answered with `status` (or failing). */
function tracked({
  token = 'access-1',
  status = 202,
  refused = false,
  sendBeacon,
  now = () => Date.parse('2026-12-05T10:00:00Z'),
}: Setting = {}) {
  const sent: Sent[] = [];
  const answer = { status };
  const fetch = vi.fn((url: string, init?: RequestInit) => {
    sent.push({ url, init: init ?? {}, batch: JSON.parse(init?.body as string) as AnalyticsBatch });
    if (answer.status === 'offline') return Promise.reject(new TypeError('Failed to fetch'));
    return Promise.resolve(new Response(null, { status: answer.status }));
  });
  const session = { token: () => Promise.resolve(token), tokenNow: () => token };
  const tracker = new UsageTracker(session, {
    fetch: fetch as unknown as typeof globalThis.fetch,
    sendBeacon,
    now,
    refused,
  });
  return { tracker, sent, fetch, answer };
}

const views = (tracker: UsageTracker, n: number) => {
  for (let i = 0; i < n; i++) tracker.pageView('event', EVENT);
};

afterEach(() => {
  vi.useRealTimers();
});

describe('the usage tracker', () => {
  it('sends once 20 events wait, in one batch with the bearer token', async () => {
    const { tracker, sent } = tracked();
    views(tracker, FLUSH_AT - 1);
    await Promise.resolve();
    expect(sent).toHaveLength(0);
    tracker.pageView('discover');
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0].url).toBe(ANALYTICS_ENDPOINT);
    expect(sent[0].init.method).toBe('POST');
    expect(new Headers(sent[0].init.headers).get('authorization')).toBe('Bearer access-1');
    expect(sent[0].batch.access_token).toBeUndefined();
    expect(sent[0].batch.events).toHaveLength(FLUSH_AT);
    expect(sent[0].batch.events[0]).toEqual({
      at: '2026-12-05T10:00:00.000Z',
      kind: 'page_view',
      page: 'event',
      event_id: EVENT,
    });
    expect(sent[0].batch.events.at(-1)).toEqual({
      at: '2026-12-05T10:00:00.000Z',
      kind: 'page_view',
      page: 'discover',
    });
  });

  it('sends what waits every 10 seconds, and nothing when nothing waits', async () => {
    vi.useFakeTimers();
    const { tracker, sent } = tracked();
    const stop = tracker.start(
      new EventTarget(),
      Object.assign(new EventTarget(), { visibilityState: 'visible' as const }),
    );
    tracker.pageView('profile');
    await vi.advanceTimersByTimeAsync(FLUSH_EVERY_MS - 1);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(1);
    expect(sent[0].batch.events).toEqual([{ at: '2026-12-05T10:00:00.000Z', kind: 'page_view', page: 'profile' }]);
    await vi.advanceTimersByTimeAsync(3 * FLUSH_EVERY_MS);
    expect(sent).toHaveLength(1);
    stop();
  });

  it('sends an open at once, so that it reaches the server before the RSVP it leads to', async () => {
    const { tracker, sent } = tracked();
    tracker.pageView('discover');
    tracker.open({ item: EVENT, list: 'search', position: 3, request_id: LIST });
    // The event's page, shown in the same moment, goes along.
    tracker.pageView('event', EVENT);
    await vi.waitFor(() => expect(tracker.waiting).toBe(0));
    expect(sent.map((s) => s.batch.events.map((e) => e.kind))).toEqual([['page_view', 'open', 'page_view']]);
    expect(sent[0].batch.events[1]).toEqual({
      at: '2026-12-05T10:00:00.000Z',
      kind: 'open',
      item: EVENT,
      list: 'search',
      position: 3,
      request_id: LIST,
    });
  });

  it('never puts more than 100 events in a batch', async () => {
    const { tracker, sent } = tracked();
    // All of them arrive while the first send waits for the token.
    views(tracker, 250);
    await tracker.flush();
    await vi.waitFor(() => expect(tracker.waiting).toBe(0));
    expect(sent.map((s) => s.batch.events.length)).toEqual([MAX_BATCH, MAX_BATCH, 50]);
  });

  it('tries a failed batch once more with the next send, then drops it', async () => {
    const { tracker, sent, answer } = tracked({ status: 'offline' });
    views(tracker, 3);
    await tracker.flush();
    expect(tracker.waiting).toBe(3);
    tracker.pageView('meetings');
    await tracker.flush();
    expect(sent.map((s) => s.batch.events.length)).toEqual([3, 4]);
    // The three failed twice and are gone; the newer one has one more try.
    expect(tracker.waiting).toBe(1);
    answer.status = 202;
    await tracker.flush();
    expect(sent.at(-1)?.batch.events).toEqual([
      { at: '2026-12-05T10:00:00.000Z', kind: 'page_view', page: 'meetings' },
    ]);
    expect(tracker.waiting).toBe(0);
  });

  it('waits for the next tick after a failure, however much is waiting', async () => {
    vi.useFakeTimers();
    const { tracker, sent, answer } = tracked({ status: 503 });
    const stop = tracker.start(
      new EventTarget(),
      Object.assign(new EventTarget(), { visibilityState: 'visible' as const }),
    );
    views(tracker, FLUSH_AT);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    views(tracker, FLUSH_AT);
    await vi.advanceTimersByTimeAsync(FLUSH_EVERY_MS - 1);
    expect(sent).toHaveLength(1);
    answer.status = 202;
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map((s) => s.batch.events.length)).toEqual([FLUSH_AT, 2 * FLUSH_AT]);
    expect(tracker.waiting).toBe(0);
    stop();
  });

  it('drops a batch the server refused as it is, without trying again', async () => {
    const { tracker, sent } = tracked({ status: 422 });
    views(tracker, 2);
    await tracker.flush();
    expect(tracker.waiting).toBe(0);
    await tracker.flush();
    expect(sent).toHaveLength(1);
  });

  it('sends nothing at all when the browser asks not to be tracked (DNT or GPC)', async () => {
    expect(trackingRefused({ doNotTrack: '1' })).toBe(true);
    expect(trackingRefused({ doNotTrack: null, globalPrivacyControl: true })).toBe(true);
    expect(trackingRefused({ doNotTrack: '0', globalPrivacyControl: false })).toBe(false);
    expect(trackingRefused({ doNotTrack: null })).toBe(false);
    expect(trackingRefused(undefined)).toBe(false);
    const sendBeacon = vi.fn(() => true);
    const { tracker, fetch } = tracked({ refused: true, sendBeacon });
    views(tracker, FLUSH_AT * 2);
    tracker.open({ item: EVENT, list: 'recommendations', position: 0, request_id: LIST });
    await tracker.flush();
    tracker.flushOnExit();
    expect(tracker.waiting).toBe(0);
    expect(fetch).not.toHaveBeenCalled();
    expect(sendBeacon).not.toHaveBeenCalled();
  });

  it('sends a beacon as the page goes away, with the access token in its body', async () => {
    const beacons: { url: string; body: AnalyticsBatch; type: string }[] = [];
    const blobs: Promise<void>[] = [];
    const sendBeacon = vi.fn((url: string, data: Blob) => {
      blobs.push(
        data
          .text()
          .then((text) => void beacons.push({ url, body: JSON.parse(text) as AnalyticsBatch, type: data.type })),
      );
      return true;
    });
    const { tracker, fetch } = tracked({ sendBeacon });
    const page = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' as const });
    const stop = tracker.start(page, doc);
    tracker.pageView('live', EVENT);
    tracker.open({ item: EVENT, list: 'browse', position: 0, request_id: LIST });
    doc.dispatchEvent(new Event('visibilitychange'));
    tracker.pageView('discover');
    page.dispatchEvent(new Event('pagehide'));
    stop();
    await Promise.all(blobs);
    expect(fetch).not.toHaveBeenCalled();
    expect(beacons).toHaveLength(2);
    expect(beacons[0].url).toBe(ANALYTICS_ENDPOINT);
    expect(beacons[0].type).toBe('application/json');
    expect(beacons[0].body.access_token).toBe('access-1');
    expect(beacons[0].body.events.map((e) => e.kind)).toEqual(['page_view', 'open']);
    expect(beacons[1].body.events).toEqual([{ at: '2026-12-05T10:00:00.000Z', kind: 'page_view', page: 'discover' }]);
  });

  it('falls back to a keepalive fetch when there is no beacon, or the browser will not take one', () => {
    for (const sendBeacon of [undefined, vi.fn(() => false)]) {
      const { tracker, sent } = tracked({ sendBeacon });
      views(tracker, 2);
      tracker.flushOnExit();
      expect(sent).toHaveLength(1);
      expect(sent[0].init.keepalive).toBe(true);
      expect(new Headers(sent[0].init.headers).get('authorization')).toBeNull();
      expect(sent[0].batch.access_token).toBe('access-1');
      expect(sent[0].batch.events).toHaveLength(2);
      if (sendBeacon) expect(sendBeacon).toHaveBeenCalledOnce();
    }
  });

  it('sends only page views without a session, and no token', async () => {
    const { tracker, sent } = tracked({ token: null });
    tracker.pageView('discover');
    tracker.open({ item: EVENT, list: 'browse', position: 1, request_id: LIST });
    await tracker.flush();
    expect(new Headers(sent[0].init.headers).get('authorization')).toBeNull();
    expect(sent[0].batch.events).toEqual([{ at: '2026-12-05T10:00:00.000Z', kind: 'page_view', page: 'discover' }]);
  });

  it('counts an item opened twice from the same list answer once', async () => {
    const { tracker, sent } = tracked();
    tracker.open({ item: EVENT, list: 'recommendations', position: 2, request_id: LIST });
    tracker.open({ item: EVENT, list: 'recommendations', position: 2, request_id: LIST });
    await tracker.flush();
    expect(sent[0].batch.events).toHaveLength(1);
  });

  it('leaves out events older than the server takes', async () => {
    let now = Date.parse('2026-12-05T10:00:00Z');
    const { tracker, sent } = tracked({ now: () => now });
    tracker.pageView('profile');
    now += 25 * 3600_000;
    tracker.pageView('meetings');
    await tracker.flush();
    expect(sent[0].batch.events.map((e) => e.kind === 'page_view' && e.page)).toEqual(['meetings']);
  });
});
