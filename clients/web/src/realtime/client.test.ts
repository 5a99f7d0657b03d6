import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from './backoff';
import type { ClientFrame, ServerFrame } from '../api/generated/protocol';
import { ChannelEvent, RealtimeClient, SocketLike } from './client';

/** A WebSocket stand-in the test drives: it records what the client sends and plays the server. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: (ClientFrame & { answered?: boolean })[] = [];
  closed: { code?: number } | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;

  constructor(
    public url: string,
    public protocols: string[],
  ) {}

  send(data: string) {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }
  close(code?: number) {
    this.closed = { code };
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  serverFrame(frame: ServerFrame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  serverClose(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  /** Answers every subscribe sent so far that has no reply yet. */
  replyToSubscribes(offsets: Record<string, number>, recovered?: boolean) {
    for (const frame of this.sent) {
      if (frame.type !== 'subscribe' || frame.answered) continue;
      frame.answered = true;
      const channel = frame.channel;
      this.serverFrame({
        type: 'reply',
        id: frame.id,
        ok: true,
        channel,
        offset: offsets[channel] ?? 0,
        epoch: 7,
        ...(recovered === undefined ? {} : { recovered }),
      });
    }
  }
  message(channel: string, offset: number, text = `m${offset}`, epoch = 7) {
    this.serverFrame({
      type: 'message',
      channel,
      offset,
      epoch,
      body: { kind: 'chat', text },
      sent_at: '2026-11-25T19:00:00Z',
    });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const client = new RealtimeClient({
    url: 'ws://mingle.test/api/v1/ws',
    getToken: () => Promise.resolve('token-1'),
    refreshToken: () => Promise.resolve('token-2'),
    socketFactory: (url, protocols) => {
      const socket = new FakeSocket(url, protocols);
      sockets.push(socket);
      return socket;
    },
    random: () => 0.5,
    backoff: { baseMs: 1000, maxMs: 8000 },
    pingIntervalMs: 60_000,
    pingTimeoutMs: 5_000,
  });
  const last = () => sockets[sockets.length - 1];
  return { client, sockets, last };
}

const texts = (events: ChannelEvent[]) =>
  events.flatMap((e) => (e.kind === 'message' && e.message.body.kind === 'chat' ? [e.message.body.text] : []));

describe('backoffDelay', () => {
  it('grows exponentially, is capped, and is jittered within the upper half of each step', () => {
    const policy = { baseMs: 1000, maxMs: 8000 };
    expect(backoffDelay(0, policy, () => 0)).toBe(500);
    expect(backoffDelay(0, policy, () => 1)).toBe(1000);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(3000);
    expect(backoffDelay(10, policy, () => 1)).toBe(8000);
    expect(backoffDelay(10, policy, () => 0)).toBe(4000);
  });
});

describe('RealtimeClient', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects with the token and the mingle.v1 subprotocol, and shows its state', async () => {
    const { client, last } = setup();
    const states: string[] = [];
    client.onState((s) => states.push(s.status));
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(last().url).toBe('ws://mingle.test/api/v1/ws?access_token=token-1');
    expect(last().protocols).toEqual(['mingle.v1']);
    last().open();
    expect(states).toEqual(['idle', 'connecting', 'open']);
  });

  it('subscribes once per channel however many listeners follow it', async () => {
    const { client, last } = setup();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    const a: ChannelEvent[] = [];
    const b: ChannelEvent[] = [];
    const offA = client.subscribe('event:1:chat', (e) => a.push(e));
    client.subscribe('event:1:chat', (e) => b.push(e));
    expect(last().sent.filter((f) => f.type === 'subscribe')).toHaveLength(1);
    last().replyToSubscribes({ 'event:1:chat': 3 });
    await vi.advanceTimersByTimeAsync(0);
    last().message('event:1:chat', 4);
    expect(texts(a)).toEqual(['m4']);
    expect(texts(b)).toEqual(['m4']);
    offA();
    last().message('event:1:chat', 5);
    expect(texts(a)).toEqual(['m4']);
    expect(texts(b)).toEqual(['m4', 'm5']);
  });

  it('tells the listeners of a channel when the server ends its subscription', async () => {
    const { client, last } = setup();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    const chat: ChannelEvent[] = [];
    const other: ChannelEvent[] = [];
    client.subscribe('event:1:chat', (e) => chat.push(e));
    client.subscribe('event:2:chat', (e) => other.push(e));
    last().replyToSubscribes({ 'event:1:chat': 0, 'event:2:chat': 0 });
    await vi.advanceTimersByTimeAsync(0);
    last().serverFrame({
      type: 'error',
      code: 'access_revoked',
      channel: 'event:1:chat',
      message: 'no longer delivered: event chat and presence are for attendees (RSVP going) and organizers',
    });
    expect(chat.filter((e) => e.kind === 'error')).toEqual([
      {
        kind: 'error',
        code: 'access_revoked',
        message: 'no longer delivered: event chat and presence are for attendees (RSVP going) and organizers',
      },
    ]);
    expect(other.filter((e) => e.kind === 'error')).toEqual([]);
  });

  it('drops repeated and older offsets', async () => {
    const { client, last } = setup();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    const events: ChannelEvent[] = [];
    client.subscribe('event:1:chat', (e) => events.push(e));
    last().replyToSubscribes({ 'event:1:chat': 0 });
    await vi.advanceTimersByTimeAsync(0);
    last().message('event:1:chat', 1);
    last().message('event:1:chat', 2);
    last().message('event:1:chat', 2);
    last().message('event:1:chat', 1);
    last().message('event:1:chat', 3);
    expect(texts(events)).toEqual(['m1', 'm2', 'm3']);
  });

  it('reconnects with jittered exponential backoff and resumes each channel from its last offset and epoch', async () => {
    const { client, sockets, last } = setup();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    const events: ChannelEvent[] = [];
    client.subscribe('event:1:chat', (e) => events.push(e));
    client.subscribe('dm:9', () => undefined);
    last().replyToSubscribes({ 'event:1:chat': 10, 'dm:9': 2 });
    await vi.advanceTimersByTimeAsync(0);
    last().message('event:1:chat', 11);
    last().message('event:1:chat', 12);

    last().serverClose(1006);
    expect(client.connection.status).toBe('reconnecting');
    // First retry after 0.75 s (base 1 s, jitter 0.5); a second failure waits 1.5 s.
    await vi.advanceTimersByTimeAsync(700);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(2);
    last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1400);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(200);
    expect(sockets).toHaveLength(3);

    last().open();
    const resubscribes = last().sent.filter((f) => f.type === 'subscribe');
    expect(resubscribes.map((f) => [f.channel, f.since, f.epoch])).toEqual([
      ['event:1:chat', 12, 7],
      ['dm:9', 2, 7],
    ]);
    last().replyToSubscribes({ 'event:1:chat': 14, 'dm:9': 2 }, true);
    await vi.advanceTimersByTimeAsync(0);
    // The replay overlaps what was already delivered: each message still arrives once.
    last().message('event:1:chat', 12);
    last().message('event:1:chat', 13);
    last().message('event:1:chat', 14);
    last().message('event:1:chat', 15);
    expect(texts(events)).toEqual(['m11', 'm12', 'm13', 'm14', 'm15']);
    expect(client.connection).toMatchObject({ status: 'open', attempt: 0 });
  });

  it('passes on a reset when the server cannot replay the gap', async () => {
    const { client, last } = setup();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    const events: ChannelEvent[] = [];
    client.subscribe('event:1:chat', (e) => events.push(e));
    last().replyToSubscribes({ 'event:1:chat': 5 });
    await vi.advanceTimersByTimeAsync(0);
    last().serverClose(1012);
    await vi.advanceTimersByTimeAsync(1000);
    last().open();
    last().replyToSubscribes({ 'event:1:chat': 20_000 }, false);
    await vi.advanceTimersByTimeAsync(0);
    expect(events.map((e) => e.kind)).toEqual(['subscribed', 'reset', 'subscribed']);
    expect(client.lastOffset('event:1:chat')).toBe(20_000);
  });

  it('refreshes the token after the server closes with 4001', async () => {
    const { client, last } = setup();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().serverClose(4001);
    await vi.advanceTimersByTimeAsync(1000);
    expect(last().url).toContain('access_token=token-2');
  });

  it('rejects a publish whose reply was lost with the connection instead of sending it twice', async () => {
    const { client, last } = setup();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    const sent = client.publish('event:1:chat', 'hello');
    last().serverClose(1006);
    await expect(sent).rejects.toMatchObject({ code: 'connection_lost' });
    await vi.advanceTimersByTimeAsync(1000);
    last().open();
    expect(last().sent.filter((f) => f.type === 'publish')).toHaveLength(0);
  });

  it('resolves a publish on the reply and rejects it on an error frame', async () => {
    const { client, last } = setup();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    const ok = client.publish('event:1:chat', 'hi');
    const bad = client.publish('event:1:chat', 'spam');
    const [first, second] = last().sent.filter((f) => f.type === 'publish');
    last().serverFrame({ type: 'reply', id: first.id, ok: true });
    last().serverFrame({ type: 'error', id: second.id, code: 'rate_limited', message: 'slow down' });
    await expect(ok).resolves.toBeUndefined();
    await expect(bad).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('treats an unanswered ping as a dead connection', async () => {
    const { client, sockets, last } = setup();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(last().sent.at(-1)?.type).toBe('ping');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sockets[0].closed).not.toBeNull();
    expect(client.connection.status).toBe('reconnecting');
  });

  it('waits while offline and reconnects at once when the network is back', async () => {
    const { client, sockets, last } = setup();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    client.subscribe('event:1:chat', () => undefined);
    last().replyToSubscribes({ 'event:1:chat': 4 });
    await vi.advanceTimersByTimeAsync(0);
    client.goOffline();
    expect(client.connection.status).toBe('offline');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    client.reconnectNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(2);
    last().open();
    expect(last().sent.find((f) => f.type === 'subscribe')).toMatchObject({ channel: 'event:1:chat', since: 4 });
  });

  it('ignores frames of a socket it has already replaced', async () => {
    const { client, sockets, last } = setup();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    const events: ChannelEvent[] = [];
    client.subscribe('event:1:chat', (e) => events.push(e));
    last().replyToSubscribes({ 'event:1:chat': 1 });
    await vi.advanceTimersByTimeAsync(0);
    client.goOffline();
    client.reconnectNow();
    await vi.advanceTimersByTimeAsync(0);
    sockets[0].message('event:1:chat', 2, 'stale');
    expect(texts(events)).toEqual([]);
  });
});
