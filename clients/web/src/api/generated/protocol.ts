// Generated from docs/protocol.schema.json by `npm run gen` in clients/web; do not edit.

/**
 * Every frame of the Mingle realtime protocol (subprotocol `mingle.v1`).
 */
export type MingleFrame = ClientFrame | ServerFrame;
/**
 * A frame from client to server.
 */
export type ClientFrame =
  | {
      channel: string;
      /**
       * The epoch `since` belongs to; when it is not the channel's current epoch, the offsets
       * do not compare and the reply says `recovered: false`.
       */
      epoch?: number | null;
      id: string;
      since?: number | null;
      type: 'subscribe';
    }
  | {
      channel: string;
      id: string;
      type: 'unsubscribe';
    }
  | {
      body: PublishBody;
      channel: string;
      id: string;
      type: 'publish';
    }
  | {
      id: string;
      type: 'ping';
    }
  | {
      access_token: string;
      id: string;
      type: 'auth';
    };
/**
 * A frame from server to client.
 */
export type ServerFrame =
  | (Reply & {
      type: 'reply';
    })
  | (ErrorFrame & {
      type: 'error';
    })
  | (ChannelMessage & {
      type: 'message';
    })
  | (Presence & {
      type: 'presence';
    });

/**
 * What a client posts: a chat line.
 */
export interface PublishBody {
  /**
   * 1 to 2000 characters.
   */
  text: string;
}
/**
 * Success answer to a client frame.
 */
export interface Reply {
  /**
   * Subscribe, unsubscribe and publish: the channel.
   */
  channel?: string | null;
  /**
   * Subscribe: the channel's epoch.
   */
  epoch?: number | null;
  /**
   * Auth: when the new access token expires.
   */
  expires_at?: string | null;
  /**
   * The request's `id`.
   */
  id: string;
  /**
   * Subscribe: the channel's latest offset when the subscription started (messages after
   * `since` up to this one follow the reply). Publish: the offset of the posted message.
   */
  offset?: number | null;
  /**
   * Always true; failures are [`ErrorFrame`]s.
   */
  ok: boolean;
  /**
   * Subscribe with `since`: true when every message after `since` is delivered; false when
   * some are no longer stored (or `since` belongs to another epoch), in which case delivery
   * starts after `offset` and the client should reload the channel's state.
   */
  recovered?: boolean | null;
}
/**
 * Failure answer to a client frame, or a connection-level problem (`id` absent).
 */
export interface ErrorFrame {
  /**
   * Stable code: `malformed_frame`, `unknown_channel`, `forbidden`, `not_subscribed`,
   * `too_many_subscriptions`, `invalid_body`, `rate_limited`, `read_only_channel`,
   * `invalid_token`, `internal`.
   */
  code: string;
  id?: string | null;
  message: string;
}
/**
 * A message on a channel.
 */
export interface ChannelMessage {
  /**
   * Chat and DMs: `{"text"}`. `event:{id}`: `{"kind": "announcement", ...}` and other feed
   * items.
   */
  body: {
    [k: string]: unknown;
  };
  channel: string;
  epoch: number;
  /**
   * Position in the channel: 1, 2, 3, ... without gaps within an epoch.
   */
  offset: number;
  /**
   * Who posted it; absent for messages from the system.
   */
  sender?: string | null;
  sent_at: string;
}
/**
 * Who is online in an `event:{id}:presence` channel. Sent on subscribe with `members` (small
 * rooms) and then as batched changes about once a second; large rooms get counts only.
 */
export interface Presence {
  channel: string;
  joined?: string[];
  left?: string[];
  online: number;
}
