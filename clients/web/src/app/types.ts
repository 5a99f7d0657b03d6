// Wire types of the Mingle REST API (see /openapi.json); names follow the server's `protocol` crate.

export type ProfileVisibility = 'public' | 'attendees' | 'hidden';
export type RsvpStatus = 'going' | 'interested' | 'waitlisted';
export type MeetingStatus = 'pending' | 'accepted' | 'declined' | 'cancelled';

export interface Me {
  id: string;
  email: string;
  display_name: string;
  headline: string;
  bio: string;
  interests: string[];
  seeking: string[];
  offering: string[];
  visibility: ProfileVisibility;
  matchmaking: boolean;
  created_at: string;
}

export type ProfileUpdate = Partial<Omit<Me, 'id' | 'email' | 'created_at'>>;

export interface Profile {
  id: string;
  display_name: string;
  headline: string;
  bio: string;
  interests: string[];
  seeking: string[];
  offering: string[];
}

export interface Session {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  user: Me;
}

export interface Venue {
  name: string;
  address: string;
  lat: number;
  lon: number;
}

export interface EventInput {
  title: string;
  description: string;
  tags: string[];
  starts_at: string;
  ends_at: string;
  timezone: string;
  venue: Venue | null;
  online_url: string | null;
  capacity: number | null;
  visibility: 'public' | 'unlisted';
}

export interface MingleEvent extends EventInput {
  id: string;
  organizer_ids: string[];
  going_count: number;
  waitlist_count: number;
  interested_count: number;
  checked_in_count: number;
  seats_left: number | null;
  my_rsvp: RsvpStatus | null;
  is_organizer: boolean;
  checkin_code: string | null;
  distance_km: number | null;
  created_at: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface EventRecommendation {
  event: MingleEvent;
  score: number;
  reasons: string[];
}

export interface RecommendationList {
  items: EventRecommendation[];
  model_version: number | null;
}

export interface EventSearch {
  q?: string;
  tag?: string;
  from?: string;
  to?: string;
  lat?: number;
  lon?: number;
  radius_km?: number;
  limit?: number;
  cursor?: string;
}

export interface Rsvp {
  event_id: string;
  user_id: string;
  status: RsvpStatus;
  waitlist_position: number | null;
  personal_code: string;
  checked_in_at: string | null;
  updated_at: string;
}

export interface Checkin {
  event_id: string;
  user_id: string;
  checked_in_at: string;
  newly_checked_in: boolean;
}

export interface Attendee {
  profile: Profile;
  status: RsvpStatus;
  checked_in: boolean;
  waitlist_position: number | null;
}

export interface Announcement {
  id: string;
  event_id: string;
  author_id: string;
  body: string;
  created_at: string;
}

export interface Participant {
  id: string;
  display_name: string;
  headline: string;
}

export interface Meeting {
  id: string;
  event_id: string;
  status: MeetingStatus;
  from: Participant;
  to: Participant;
  message: string;
  starts_at: string;
  ends_at: string;
  place: string;
  channel: string | null;
  created_at: string;
  updated_at: string;
}

export interface MeetingRequest {
  to_user_id: string;
  message: string;
  starts_at: string;
  duration_minutes?: number;
  place: string;
}

export interface Suggestion {
  user: Participant;
  score: number;
  reasons: string[];
}

export interface SuggestionList {
  items: Suggestion[];
}

export interface Block {
  user_id: string;
  created_at: string;
}

export interface Conversation {
  id: string;
  channel: string;
  participants: [string, string];
}

export interface ConversationPeer {
  id: string;
  display_name: string;
}

export interface ConversationSummary {
  id: string;
  channel: string;
  with: ConversationPeer;
  last_message: { text: string; at: string; from: string } | null;
  last_activity_at: string;
}

/** Channel messages and their bodies are the realtime protocol's, whichever way they arrive. */
export type { ChannelMessage, DmNotice, MessageBody } from '../api/generated/protocol';

export interface ActivityPoint {
  at: string;
  rsvps: number;
  checkins: number;
  meetings: number;
}

export interface EventActivity {
  bucket_minutes: number;
  points: ActivityPoint[];
}

export interface ApiErrorBody {
  error: { code: string; message: string; fields?: { field: string; message: string }[] };
}
