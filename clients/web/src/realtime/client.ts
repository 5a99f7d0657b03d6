// The realtime client shared by every screen: one WebSocket to `/api/v1/ws` (subprotocol
// `mingle.v1`), however many channels the screens follow.
//
// Delivery guarantees the screens rely on:
// - Each channel remembers the epoch and the highest offset it has delivered. After any
//   disconnect the client reconnects with jittered exponential backoff and resubscribes every
//   channel with `since` = that offset, so the server replays exactly what was missed.
// - A message whose offset is not above the channel's last one is dropped, so a replay that
//   overlaps live delivery never shows a message twice.
// - A subscribe reply with `recovered: false` (history no longer kept, or another epoch) is passed
//   on as a reset, so the screen reloads what it shows over REST.
// - Publishing only ever sends a frame on an open socket. A publish that was sent but whose
//   reply was lost with the connection is rejected rather than resent, because the server
//   would store a resend as a second message.

import type { ClientFrame, ServerFrame } from '../api/generated/protocol';
import { backoffDelay, BackoffPolicy, DEFAULT_BACKOFF } from './backoff';

export const SUBPROTOCOL = 'mingle.v1';

/** The part of the browser's WebSocket the client uses; tests pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Failed attempts since the last open connection. */
  attempt: number;
  /** When the next attempt starts (epoch ms), while reconnecting. */
  retryAt: number | null;
}

/** Frames from the server, by `type`; all of them are generated from the protocol's schema. */
export type MessageFrame = Extract<ServerFrame, { type: 'message' }>;
export type PresenceFrame = Extract<ServerFrame, { type: 'presence' }>;
type ReplyFrame = Extract<ServerFrame, { type: 'reply' }>;

/** A client frame without its `id`, which `request` assigns. */
type WithoutId<F> = F extends unknown ? Omit<F, 'id'> : never;
type ClientRequest = WithoutId<ClientFrame>;

/** What a channel's listener hears. */
export type ChannelEvent =
  | { kind: 'message'; message: MessageFrame }
  | { kind: 'presence'; presence: PresenceFrame }
  | { kind: 'subscribed'; offset: number; epoch: number; recovered: boolean | null }
  | { kind: 'reset'; offset: number; epoch: number }
  | { kind: 'error'; code: string; message: string };

export type ChannelListener = (event: ChannelEvent) => void;

export class RealtimeError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RealtimeError';
  }
}

interface ChannelState {
  listeners: Set<ChannelListener>;
  /** Highest offset delivered; null until the first subscribe reply. */
  offset: number | null;
  epoch: number | null;
}

interface Pending {
  resolve: (reply: ReplyFrame) => void;
  reject: (error: Error) => void;
}

export interface RealtimeOptions {
  /** Absolute `ws:` or `wss:` URL of `/api/v1/ws`, without the token. */
  url: string;
  /** A currently valid access token (refreshing it first when needed), or null when signed out. */
  getToken: () => Promise<string | null>;
  /** Forces a refresh after the server said the token expired (close 4001). */
  refreshToken?: () => Promise<string | null>;
  socketFactory?: SocketFactory;
  backoff?: BackoffPolicy;
  random?: () => number;
  /** Seconds between the client's own pings, which detect a dead connection the browser has not noticed. */
  pingIntervalMs?: number;
  /** How long a ping may stay unanswered before the connection counts as dead. */
  pingTimeoutMs?: number;
  now?: () => number;
}

const OPEN = 1;
const TOKEN_EXPIRED = 4001;

export class RealtimeClient {
  private readonly options: Required<Omit<RealtimeOptions, 'refreshToken'>> & Pick<RealtimeOptions, 'refreshToken'>;
  private readonly channels = new Map<string, ChannelState>();
  private readonly pending = new Map<string, Pending>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private socket: SocketLike | null = null;
  private state: ConnectionState = { status: 'idle', attempt: 0, retryAt: null };
  private running = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pingDeadline: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;
  private forceRefresh = false;
  /** Bumped whenever a socket is dropped, so callbacks of an old socket are ignored. */
  private generation = 0;

  constructor(options: RealtimeOptions) {
    this.options = {
      socketFactory: (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike,
      backoff: DEFAULT_BACKOFF,
      random: Math.random,
      pingIntervalMs: 15_000,
      pingTimeoutMs: 8_000,
      now: Date.now,
      ...options,
    };
  }

  get connection(): ConnectionState {
    return this.state;
  }

  /** Follows the connection state; answers the unsubscribe function. */
  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  /** Opens the connection (and keeps it open until `stop`). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  /** Closes the connection for good (sign-out); channels and their offsets are forgotten. */
  stop(): void {
    this.running = false;
    this.clearTimers();
    this.drop(1000, 'bye');
    this.channels.clear();
    this.setState({ status: 'idle', attempt: 0, retryAt: null });
  }

  /** The browser says the network is gone: stop trying until it is back. */
  goOffline(): void {
    if (!this.running) return;
    this.clearTimers();
    this.drop(1000, 'offline');
    this.setState({ status: 'offline', attempt: 0, retryAt: null });
  }

  /** The network is back (or the user asked): reconnect now, without waiting for the backoff. */
  reconnectNow(): void {
    if (!this.running) return;
    if (this.socket && this.state.status === 'open') return;
    this.clearTimers();
    this.drop(1000, 'reconnect');
    void this.connect();
  }

  /** Hands a freshly refreshed token to the open connection. */
  sendAuth(accessToken: string): void {
    if (this.socket?.readyState === OPEN) {
      this.request({ type: 'auth', access_token: accessToken }).catch(() => undefined);
    }
  }

  /**
   * Follows `channel`. The first listener subscribes; later ones share the subscription. The
   * answer unsubscribes this listener (and the channel when it was the last one).
   */
  subscribe(channel: string, listener: ChannelListener): () => void {
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = { listeners: new Set(), offset: null, epoch: null };
      this.channels.set(channel, entry);
      entry.listeners.add(listener);
      this.sendSubscribe(channel, entry);
    } else {
      entry.listeners.add(listener);
    }
    return () => {
      const current = this.channels.get(channel);
      if (!current) return;
      current.listeners.delete(listener);
      if (current.listeners.size === 0) {
        this.channels.delete(channel);
        if (this.socket?.readyState === OPEN) {
          this.request({ type: 'unsubscribe', channel }).catch(() => undefined);
        }
      }
    };
  }

  /** The last offset delivered on `channel`, if any. */
  lastOffset(channel: string): number | null {
    return this.channels.get(channel)?.offset ?? null;
  }

  /** Posts `text` to a chat or DM channel; resolves once the server stored it. */
  async publish(channel: string, text: string): Promise<void> {
    await this.request({ type: 'publish', channel, body: { text } });
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    const generation = ++this.generation;
    this.setState({
      status: this.state.attempt === 0 ? 'connecting' : 'reconnecting',
      attempt: this.state.attempt,
      retryAt: null,
    });
    let token: string | null;
    try {
      const refresh = this.forceRefresh && this.options.refreshToken;
      this.forceRefresh = false;
      token = refresh ? await refresh() : await this.options.getToken();
    } catch {
      token = null;
    }
    if (generation !== this.generation || !this.running) return;
    if (!token) {
      this.scheduleRetry();
      return;
    }
    const url = `${this.options.url}?access_token=${encodeURIComponent(token)}`;
    let socket: SocketLike;
    try {
      socket = this.options.socketFactory(url, [SUBPROTOCOL]);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (generation !== this.generation) return;
      this.setState({ status: 'open', attempt: 0, retryAt: null });
      this.startPinging();
      for (const [channel, entry] of this.channels) this.sendSubscribe(channel, entry);
    };
    socket.onmessage = (ev) => {
      if (generation !== this.generation) return;
      this.handleFrame(ev.data);
    };
    socket.onerror = () => undefined;
    socket.onclose = (ev) => {
      if (generation !== this.generation) return;
      if (ev.code === TOKEN_EXPIRED) this.forceRefresh = true;
      this.socket = null;
      this.failPending();
      this.clearTimers();
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (!this.running || this.state.status === 'offline') return;
    const attempt = this.state.attempt;
    const delay = backoffDelay(attempt, this.options.backoff, this.options.random);
    this.setState({ status: 'reconnecting', attempt: attempt + 1, retryAt: this.options.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }

  /** Forgets the current socket (its late callbacks are ignored) and closes it. */
  private drop(code: number, reason: string): void {
    this.generation++;
    const socket = this.socket;
    this.socket = null;
    this.failPending();
    if (socket) {
      try {
        socket.close(code, reason);
      } catch {
        // Already closed.
      }
    }
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pingDeadline) clearTimeout(this.pingDeadline);
    this.retryTimer = this.pingTimer = this.pingDeadline = null;
  }

  private startPinging(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (this.pingDeadline) return;
      const socket = this.socket;
      this.pingDeadline = setTimeout(() => {
        this.pingDeadline = null;
        // No answer: the connection is dead even if the browser has not noticed yet.
        if (socket && socket === this.socket) {
          this.drop(4000, 'ping timeout');
          this.clearTimers();
          this.scheduleRetry();
        }
      }, this.options.pingTimeoutMs);
      this.request({ type: 'ping' })
        .then(() => {
          if (this.pingDeadline) clearTimeout(this.pingDeadline);
          this.pingDeadline = null;
        })
        .catch(() => undefined);
    }, this.options.pingIntervalMs);
  }

  private sendSubscribe(channel: string, entry: ChannelState): void {
    if (this.socket?.readyState !== OPEN) return;
    const frame: ClientRequest = { type: 'subscribe', channel };
    if (entry.offset !== null) {
      frame.since = entry.offset;
      if (entry.epoch !== null) frame.epoch = entry.epoch;
    }
    const hadOffset = entry.offset !== null;
    this.request(frame).then(
      (reply) => {
        // The channel may have been dropped (or dropped and followed again) meanwhile.
        if (this.channels.get(channel) !== entry) return;
        const offset = reply.offset ?? 0;
        const epoch = reply.epoch ?? 0;
        const recovered = reply.recovered ?? null;
        if (!hadOffset) {
          // Live delivery starts after the reply's offset; anything older comes from REST.
          entry.offset = Math.max(entry.offset ?? 0, offset);
          entry.epoch = epoch;
        } else if (recovered === false) {
          entry.offset = offset;
          entry.epoch = epoch;
          this.emit(entry, { kind: 'reset', offset, epoch });
        }
        this.emit(entry, { kind: 'subscribed', offset, epoch, recovered });
      },
      (error: unknown) => {
        if (this.channels.get(channel) !== entry) return;
        if (error instanceof RealtimeError)
          this.emit(entry, { kind: 'error', code: error.code, message: error.message });
      },
    );
  }

  private request(frame: ClientRequest): Promise<ReplyFrame> {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) {
      return Promise.reject(new RealtimeError('not_connected', 'not connected; try again in a moment'));
    }
    const id = `c${this.nextId++}`;
    return new Promise<ReplyFrame>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        socket.send(JSON.stringify({ ...frame, id }));
      } catch {
        this.pending.delete(id);
        reject(new RealtimeError('not_connected', 'not connected; try again in a moment'));
      }
    });
  }

  private failPending(): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending)
      p.reject(new RealtimeError('connection_lost', 'the connection was lost before the server answered'));
  }

  private handleFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data) as ServerFrame;
    } catch {
      return;
    }
    switch (frame.type) {
      case 'reply': {
        const p = this.pending.get(frame.id);
        if (p) {
          this.pending.delete(frame.id);
          p.resolve(frame);
        }
        break;
      }
      case 'error': {
        const p = frame.id ? this.pending.get(frame.id) : undefined;
        if (p && frame.id) {
          this.pending.delete(frame.id);
          p.reject(new RealtimeError(frame.code, frame.message));
        } else if (frame.channel) {
          // The server ended a subscription (`access_revoked`): its listeners learn why, as
          // they would of a refused subscribe.
          const entry = this.channels.get(frame.channel);
          if (entry) this.emit(entry, { kind: 'error', code: frame.code, message: frame.message });
        }
        break;
      }
      case 'message': {
        const entry = this.channels.get(frame.channel);
        if (!entry) return;
        if (entry.epoch !== null && frame.epoch !== entry.epoch) {
          // The channel's history was reset: offsets start over.
          entry.epoch = frame.epoch;
          entry.offset = null;
        }
        if (entry.offset !== null && frame.offset <= entry.offset) return;
        entry.offset = frame.offset;
        entry.epoch = frame.epoch;
        this.emit(entry, { kind: 'message', message: frame });
        break;
      }
      case 'presence': {
        const entry = this.channels.get(frame.channel);
        if (entry) this.emit(entry, { kind: 'presence', presence: frame });
        break;
      }
    }
  }

  private emit(entry: ChannelState, event: ChannelEvent): void {
    for (const listener of [...entry.listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error('realtime listener failed', error);
      }
    }
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }
}
