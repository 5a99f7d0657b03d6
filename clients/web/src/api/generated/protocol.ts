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
 * The body of a [`ChannelMessage`], tagged by `kind`. Which kinds a channel carries:
 * - `event:{id}:chat` and `dm:{id}`: `chat`;
 * - `event:{id}`: `announcement`, `event_updated`, `counters`;
 * - `user:{id}`: `suggestions`, `meeting`, `dm`.
 *
 * Clients should ignore kinds they do not know: new ones may be added within `mingle.v1`.
 */
export type MessageBody =
  | {
      kind: 'chat';
      /**
       * 1 to 2000 characters.
       */
      text: string;
    }
  | {
      announcement: Announcement;
      kind: 'announcement';
    }
  | {
      event: Event;
      kind: 'event_updated';
    }
  | (Counters & {
      kind: 'counters';
    })
  | {
      event_id: string;
      items: Suggestion[];
      kind: 'suggestions';
    }
  | {
      kind: 'meeting';
      meeting: Meeting;
    }
  | (DmNotice & {
      kind: 'dm';
    })
  | {
      kind: 'access_changed';
      users: string[];
    };
export type RsvpStatus = 'going' | 'interested' | 'waitlisted';
export type EventVisibility = 'public' | 'unlisted';
export type MeetingStatus = 'pending' | 'accepted' | 'declined' | 'cancelled';

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
   * The channel the error is about, when it is about one subscription (`access_revoked`).
   */
  channel?: string | null;
  /**
   * Stable code: `malformed_frame`, `unknown_channel`, `forbidden`, `not_subscribed`,
   * `too_many_subscriptions`, `invalid_body`, `rate_limited`, `read_only_channel`,
   * `invalid_token`, `internal`; and, without `id`, `access_revoked`: the user lost access to
   * `channel` (an RSVP withdrawn, a block, a profile hidden, removed as organizer, the event
   * deleted), so its subscription ended and nothing more is delivered on it.
   */
  code: string;
  id?: string | null;
  message: string;
}
/**
 * A message on a channel.
 */
export interface ChannelMessage {
  body: MessageBody;
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
export interface Announcement {
  author_id: string;
  body: string;
  created_at: string;
  event_id: string;
  id: string;
}
/**
 * An event as the API answers it.
 */
export interface Event {
  /**
   * When the event was cancelled (its organizer closed their account and nobody else
   * organizes it); `null` while it is on. A cancelled event takes no RSVPs or check-ins.
   */
  cancelled_at?: string | null;
  capacity?: number | null;
  checked_in_count: number;
  /**
   * The code attendees type to check themselves in; shown to organizers only.
   */
  checkin_code?: string | null;
  created_at: string;
  description: string;
  /**
   * Kilometres from the searched point, on searches by distance.
   */
  distance_km?: number | null;
  ends_at: string;
  going_count: number;
  id: string;
  interested_count: number;
  /**
   * Whether the caller organizes this event.
   */
  is_organizer: boolean;
  /**
   * The caller's RSVP status, when signed in and RSVPed.
   */
  my_rsvp?: RsvpStatus | null;
  online_url?: string | null;
  organizer_ids: string[];
  /**
   * Seats left, `null` when the event has no capacity limit.
   */
  seats_left?: number | null;
  /**
   * In the event's own time zone.
   */
  starts_at: string;
  tags: string[];
  timezone: string;
  title: string;
  venue?: Venue | null;
  visibility: EventVisibility;
  waitlist_count: number;
}
/**
 * A physical place.
 */
export interface Venue {
  address?: string;
  /**
   * The city it is in, up to 100 characters: shown next to the venue's name.
   */
  city?: string;
  /**
   * Degrees, -90 to 90.
   */
  lat: number;
  /**
   * Degrees, -180 to 180.
   */
  lon: number;
  name: string;
}
/**
 * An event's head counts, as `counters` messages on `event:{id}` carry them.
 */
export interface Counters {
  checked_in: number;
  going: number;
  interested: number;
  /**
   * `null` when the event has no capacity limit.
   */
  seats_left?: number | null;
  waitlisted: number;
}
export interface Suggestion {
  /**
   * Why, in words, strongest first.
   */
  reasons: string[];
  /**
   * Reciprocal match score in [0, 1]: high only when the match is good for both.
   */
  score: number;
  user: SuggestedUser;
}
/**
 * The suggested person, briefly.
 */
export interface SuggestedUser {
  display_name: string;
  headline: string;
  id: string;
}
export interface Meeting {
  /**
   * Once accepted: the DM channel of the two participants (`dm:{id}`).
   */
  channel?: string | null;
  created_at: string;
  ends_at: string;
  event_id: string;
  from: Participant;
  id: string;
  message: string;
  place: string;
  starts_at: string;
  status: MeetingStatus;
  to: Participant;
  updated_at: string;
}
/**
 * Someone taking part in a meeting, as the other party sees them.
 */
export interface Participant {
  display_name: string;
  headline: string;
  id: string;
}
/**
 * The notice on `user:{id}` that someone wrote to them: enough to show an unread badge and a
 * preview without following the conversation.
 */
export interface DmNotice {
  /**
   * The conversation's channel, `dm:{id}`.
   */
  channel: string;
  conversation_id: string;
  from: DmSender;
  /**
   * The message's offset in that channel.
   */
  offset: number;
  /**
   * The message's first 140 characters.
   */
  preview: string;
  sent_at: string;
}
/**
 * Who wrote a direct message.
 */
export interface DmSender {
  display_name: string;
  id: string;
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
