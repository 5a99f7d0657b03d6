// Sentences the server writes in English without a code of their own (a field's problem in a
// validation error, the reasons under a suggestion or a recommended event, the rollout loop's
// reasons on the operator's page), matched by their fixed English wording and said in the active
// language. Wording the patterns do not know is shown as the server wrote it.

import i18n from 'i18next';
import { formatChange, formatCount, formatStatistic } from '../components/format';

/** One known English sentence: its pattern, and the translation given what the pattern captured. */
type Known = [RegExp, (...captured: string[]) => string];

function translate(table: Known[], text: string): string {
  for (const [pattern, say] of table) {
    const match = pattern.exec(text);
    if (match) return say(...match.slice(1));
  }
  return text;
}

const t = (key: string, options?: Record<string, unknown>) => i18n.t(key, options);
const count = (n: string) => Number(n);

/** The parts of the week the recommender says someone usually goes out in. */
const HABITS: Record<string, () => string> = {
  'weekday morning': () => t('reason.habit.weekday.morning'),
  'weekday afternoon': () => t('reason.habit.weekday.afternoon'),
  'weekday evening': () => t('reason.habit.weekday.evening'),
  'weekend morning': () => t('reason.habit.weekend.morning'),
  'weekend afternoon': () => t('reason.habit.weekend.afternoon'),
  'weekend evening': () => t('reason.habit.weekend.evening'),
};

/** Reasons from the matcher (people to meet) and the event recommender. */
const REASONS: Known[] = [
  [/^You're looking for "(.*)"; they offer "(.*)"$/, (seek, offer) => t('reason.youSeek', { seek, offer })],
  [/^They're looking for "(.*)", and you offer "(.*)"$/, (seek, offer) => t('reason.theySeek', { seek, offer })],
  [/^You both follow (.+)$/, (tags) => t('reason.bothFollow', { tags })],
  [/^You were both at an earlier event$/, () => t('reason.earlierEvents', { count: 1 })],
  [/^You were both at (\d+) earlier events$/, (n) => t('reason.earlierEvents', { count: count(n) })],
  [/^You have met someone in common$/, () => t('reason.metInCommon', { count: 1 })],
  [/^You have met (\d+) people in common$/, (n) => t('reason.metInCommon', { count: count(n) })],
  [/^Similar work and interests$/, () => t('reason.similar')],
  [/^Often chosen by people like you$/, () => t('reason.chosenByLikeYou')],
  [/^Popular with people who go where you go$/, () => t('reason.popularWithCrowd')],
  [/^(\d+) people with interests like yours are going$/, (n) => t('reason.segmentGoing', { count: count(n) })],
  [/^([\d.]+) km from you$/, (km) => t('reason.kmFromYou', { distance: Number(km) })],
  [
    /^On a (weekend|weekday) (morning|afternoon|evening), when you usually go$/,
    (day, part) => HABITS[`${day} ${part}`](),
  ],
  [/^Matches your interest in (.+)$/, (tags) => t('reason.interest', { tags })],
  [/^Someone you met is going$/, () => t('reason.metGoing', { count: 1 })],
  [/^(\d+) people you met are going$/, (n) => t('reason.metGoing', { count: count(n) })],
  [/^Someone you were at an event with is going$/, () => t('reason.crowdGoing', { count: 1 })],
  [/^(\d+) people you were at events with are going$/, (n) => t('reason.crowdGoing', { count: count(n) })],
  [/^Like "(.*)", which you went to$/, (title) => t('reason.likeWent', { title })],
  [/^Like "(.*)", which you are going to$/, (title) => t('reason.likeGoing', { title })],
  [/^Fits "(.*)" from your profile$/, (phrase) => t('reason.fits', { phrase })],
  [/^Only 1 seat left$/, () => t('reason.seatsLeft', { count: 1 })],
  [/^Only (\d+) seats left$/, (n) => t('reason.seatsLeft', { count: count(n) })],
  [/^New, be among the first$/, () => t('reason.new')],
];

/** A suggestion's or a recommendation's reason in the active language. */
export function reasonText(reason: string): string {
  return translate(REASONS, reason);
}

/** The numbers in the rollout loop's reasons, as the server writes them ("1.96", "+12.3%"), in the app's language. */
const z = (value: string) => formatStatistic(Number(value));
const lift = (percent: string) => formatChange(Number(percent) / 100);
const exposures = (n: string) => formatCount(Number(n));

/**
 * Why the rollout loop decided what it did at a look at a canary experiment of `kind`. The two that
 * wrap another reason (an operator's, and the experiment's time running out) say the inner one
 * too. The guardrail counts opens of what was shown: events for the recommender, and for the
 * matcher the suggested people someone asked to meet or wrote to.
 */
const lookReasons = (kind: string): Known[] => [
  [
    /^forced by an operator \((.*)\)$/,
    (inner) => t('operator.reasons.forced', { reason: lookReasonText(inner, kind) }),
  ],
  [
    /^not shown better within (\d+) hours: (.*)$/,
    (hours, inner) => t('operator.reasons.timedOut', { count: count(hours), reason: lookReasonText(inner, kind) }),
  ],
  [
    /^(\d+) exposures in the smaller arm; a decision needs (\d+)$/,
    (least, needed) => t('operator.reasons.tooFew', { shown: exposures(least), needed: exposures(needed) }),
  ],
  [
    /^guardrail: the canary's opens per impression are worse \(z = (-?[\d.]+)\)$/,
    (guard) =>
      t(kind === 'matcher' ? 'operator.reasons.guardrailMatcher' : 'operator.reasons.guardrail', { z: z(guard) }),
  ],
  [
    /^better: z = (-?[\d.]+) ≥ ([\d.]+), lift ([+-]?[\d.]+)%$/,
    (found, needed, change) => t('operator.reasons.better', { z: z(found), needed: z(needed), lift: lift(change) }),
  ],
  [
    /^worse: z = (-?[\d.]+) ≤ -([\d.]+), lift ([+-]?[\d.]+)%$/,
    (found, needed, change) => t('operator.reasons.worse', { z: z(found), needed: z(needed), lift: lift(change) }),
  ],
  [
    /^no significant gain after (\d+) exposures per arm \(z = (-?[\d.]+)\): the current version stays$/,
    (least, found) => t('operator.reasons.noGain', { shown: exposures(least), z: z(found) }),
  ],
  [
    /^not significant yet: z = (-?[\d.]+), needs ±([\d.]+)$/,
    (found, needed) => t('operator.reasons.notYet', { z: z(found), needed: z(needed) }),
  ],
  [
    /^between planned looks \(look (\d+) of (\d+)\)$/,
    (look, looks) => t('operator.reasons.betweenLooks', { look: count(look), looks: count(looks) }),
  ],
];

/** The rollout loop's reason for a look or a decision about a model of `kind`, in the active language. */
export function lookReasonText(reason: string, kind: string): string {
  return translate(lookReasons(kind), reason);
}

/** The problems the server's validation names after a field ("must not be empty"), as keys of `field.problem`. */
const FIELD_PROBLEMS: Known[] = [
  [/^must not be empty$/, () => t('field.problem.empty')],
  [/^must be at least (\d+) characters$/, (n) => t('field.problem.atLeastChars', { count: count(n) })],
  [/^must be at most (\d+) characters$/, (n) => t('field.problem.atMostChars', { count: count(n) })],
  [/^must be a single line without control characters$/, () => t('field.problem.singleLine')],
  [/^must not contain characters that change the direction of text$/, () => t('field.problem.direction')],
  [/^must contain visible characters$/, () => t('field.problem.visible')],
  [/^must not contain control characters$/, () => t('field.problem.control')],
  [/^at most (\d+) tags$/, (n) => t('field.problem.atMostTags', { count: count(n) })],
  [/^at most (\d+) entries$/, (n) => t('field.problem.atMostEntries', { count: count(n) })],
  [/^tags are 1 to 40 characters$/, () => t('field.problem.tagLength')],
  [/^tags use letters, digits, spaces and - \+ # \. only$/, () => t('field.problem.tagCharacters')],
  [/^must be an e-mail address$/, () => t('field.problem.email')],
  [/^must be 8 to 128 characters$/, () => t('field.problem.password')],
  [/^is already your address$/, () => t('field.problem.sameAddress')],
  [/^must be after starts_at$/, () => t('field.problem.afterStart')],
  [/^must be in the future$/, () => t('field.problem.future')],
  [/^must be during the event$/, () => t('field.problem.duringEvent')],
  [/^must not be over already$/, () => t('field.problem.notOver')],
  [/^events last at most (\d+) days$/, (n) => t('field.problem.maxDays', { count: count(n) })],
  [/^must be an IANA time zone name/, () => t('field.problem.timeZone')],
  [/^must be an http\(s\) URL/, () => t('field.problem.url')],
  [/^must be between 1 and 1000000, or null for no limit$/, () => t('field.problem.capacity')],
  [/^must be between the years 2000 and 2200$/, () => t('field.problem.years')],
  [/^must be between (-?\d+) and (-?\d+)$/, (min, max) => t('field.problem.between', { min, max })],
  [/^must be an RFC 3339 date-time/, () => t('field.problem.dateTime')],
];

/** Problems whose sentence does not start with the field's name. */
const FIELD_SENTENCES: Known[] = [[/^an event needs a venue, an online_url, or both$/, () => t('field.venueOrLink')]];

/** The fields the API names, as keys of `field.label`. */
const FIELD_LABELS: Record<string, () => string> = {
  title: () => t('field.label.title'),
  description: () => t('field.label.description'),
  tags: () => t('field.label.tags'),
  capacity: () => t('field.label.capacity'),
  venue: () => t('field.label.venue'),
  'venue.name': () => t('field.label.venueName'),
  'venue.address': () => t('field.label.venueAddress'),
  starts_at: () => t('field.label.startsAt'),
  ends_at: () => t('field.label.endsAt'),
  timezone: () => t('field.label.timezone'),
  online_url: () => t('field.label.onlineUrl'),
  display_name: () => t('field.label.displayName'),
  email: () => t('field.label.email'),
  password: () => t('field.label.password'),
  new_password: () => t('field.label.newPassword'),
  new_email: () => t('field.label.newEmail'),
  headline: () => t('field.label.headline'),
  bio: () => t('field.label.bio'),
  interests: () => t('field.label.interests'),
  seeking: () => t('field.label.seeking'),
  offering: () => t('field.label.offering'),
  text: () => t('field.label.text'),
  body: () => t('field.label.text'),
  message: () => t('field.label.text'),
  place: () => t('field.label.place'),
  duration_minutes: () => t('field.label.duration'),
};

/** A field's name as people read it: its label, or its name in plain words. */
function fieldLabel(field: string): string {
  const name = field.replace(/\[\d+\]$/, '');
  const known = FIELD_LABELS[name];
  if (known) return known();
  const words = name.replace(/[._]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A field problem as a sentence in the active language: "End must be after the start." */
export function fieldSentence({ field, message }: { field: string; message: string }): string {
  const whole = translate(FIELD_SENTENCES, message);
  if (whole !== message) return whole;
  const problem = translate(FIELD_PROBLEMS, message);
  if (problem !== message) return t('field.sentence', { field: fieldLabel(field), problem });
  // Wording not known here: the server's, with field names in it made readable.
  const plain = message.replace(/\b(starts_at|ends_at)\b/g, (name) => fieldLabel(name).toLowerCase());
  return t('field.sentence', { field: fieldLabel(field), problem: plain.replace(/[.!?]$/, '') });
}

/** The API's error codes whose sentence is written here, as keys of `error.code`. */
const CODE_SENTENCES: Record<string, () => string> = {
  email_taken: () => t('error.code.email_taken'),
  invalid_credentials: () => t('error.code.invalid_credentials'),
  email_not_verified: () => t('error.code.email_not_verified'),
  refresh_token_expired: () => t('error.code.session_over'),
  invalid_refresh_token: () => t('error.code.session_over'),
  refresh_token_reused: () => t('error.code.session_revoked'),
  session_revoked: () => t('error.code.session_revoked'),
  invalid_code: () => t('error.code.invalid_code'),
  invalid_ticket: () => t('error.code.invalid_ticket'),
  ticket_expired: () => t('error.code.ticket_expired'),
  ticket_used: () => t('error.code.ticket_used'),
  too_many_attempts: () => t('error.code.too_many_attempts'),
  code_required: () => t('error.code.code_required'),
  invalid_link: () => t('error.code.invalid_link'),
  link_expired: () => t('error.code.link_expired'),
  link_used: () => t('error.code.link_used'),
  wrong_password: () => t('error.code.wrong_password'),
  confirmation_required: () => t('error.code.confirmation_required'),
  already_verified: () => t('error.code.already_verified'),
  already_enrolled: () => t('error.code.already_enrolled'),
  nothing_pending: () => t('error.code.nothing_pending'),
  two_step_off: () => t('error.code.two_step_off'),
  event_cancelled: () => t('error.code.event_cancelled'),
  mfa_required_for_organizers: () => t('error.code.mfa_required_for_organizers'),
  event_ended: () => t('error.code.event_ended'),
  already_checked_in: () => t('error.code.already_checked_in'),
  no_rsvp: () => t('error.code.no_rsvp'),
  checkin_closed: () => t('error.code.checkin_closed'),
  not_going: () => t('error.code.not_going'),
  wrong_code: () => t('error.code.wrong_code'),
  unknown_code: () => t('error.code.unknown_code'),
  already_requested: () => t('error.code.already_requested'),
  slot_taken: () => t('error.code.slot_taken'),
  not_allowed: () => t('error.code.not_allowed'),
  owner_stays: () => t('error.code.owner_stays'),
  matchmaking_off: () => t('error.code.matchmaking_off'),
  already_training: () => t('error.code.already_training'),
  not_organizer: () => t('error.code.not_organizer'),
  not_owner: () => t('error.code.not_owner'),
  not_attending: () => t('error.code.not_attending'),
  not_found: () => t('error.code.not_found'),
  invalid_path: () => t('error.code.invalid_path'),
  rate_limited: () => t('error.code.rate_limited'),
  unavailable: () => t('error.code.unavailable'),
  internal: () => t('error.code.internal'),
  payload_too_large: () => t('error.code.payload_too_large'),
  last_sign_in_method: () => t('error.code.last_sign_in_method'),
  identity_taken: () => t('providers.error.identity_taken'),
  unknown_provider: () => t('error.code.unknown_provider'),
  passkey_not_recognized: () => t('error.code.passkey_not_recognized'),
  passkey_failed: () => t('error.code.passkey_failed'),
  challenge_expired: () => t('error.code.challenge_expired'),
  challenge_used: () => t('error.code.challenge_used'),
  invalid_challenge: () => t('error.code.invalid_challenge'),
  passkeys_unavailable: () => t('error.code.passkeys_unavailable'),
  passkey_exists: () => t('error.code.passkey_exists'),
  reauthentication_required: () => t('error.code.reauthentication_required'),
  no_passkeys: () => t('error.code.no_passkeys'),
  too_many_passkeys: () => t('error.code.too_many_passkeys'),
  ops_disabled: () => t('error.code.ops_disabled'),
  no_experiment: () => t('error.code.no_experiment'),
};

/** The sentence for an API error code, in the active language; `null` for a code not known here. */
export function codeSentence(code: string): string | null {
  return Object.hasOwn(CODE_SENTENCES, code) ? CODE_SENTENCES[code]() : null;
}

/**
 * Why a sign-in or a link through an identity provider did not work, by the code the server's
 * redirect back names (`/signin?provider_error=...`, `/account/security?link_error=...`), as keys
 * of `providers.error`.
 */
const PROVIDER_ERRORS: Record<string, () => string> = {
  state_mismatch: () => t('providers.error.state_mismatch'),
  provider_refused: () => t('providers.error.provider_refused'),
  provider_error: () => t('providers.error.provider_error'),
  invalid_id_token: () => t('providers.error.invalid_id_token'),
  nonce_mismatch: () => t('providers.error.nonce_mismatch'),
  unverified_email: () => t('providers.error.unverified_email'),
  identity_taken: () => t('providers.error.identity_taken'),
  email_taken: () => t('providers.error.email_taken'),
  account_closed: () => t('providers.error.account_closed'),
  unavailable: () => t('error.code.unavailable'),
};

/**
 * The sentence for a provider's failed sign-in (`signin`) or link (`link`); a code not known here
 * says that it did not work.
 */
export function providerErrorSentence(code: string, during: 'signin' | 'link'): string {
  // Linking, the account is already signed in: no password sign-in to suggest.
  if (during === 'link' && code === 'unverified_email') return t('providers.error.unverified_email_link');
  return Object.hasOwn(PROVIDER_ERRORS, code) ? PROVIDER_ERRORS[code]() : t('providers.error.unknown');
}

/** Why the realtime gateway refused a message, by its error code, as keys of `realtime`. */
const REALTIME_REASONS: Record<string, () => string> = {
  not_connected: () => t('realtime.not_connected'),
  connection_lost: () => t('realtime.connection_lost'),
  rate_limited: () => t('realtime.rate_limited'),
  forbidden: () => t('realtime.forbidden'),
  read_only_channel: () => t('realtime.read_only_channel'),
  invalid_body: () => t('realtime.invalid_body'),
  internal: () => t('realtime.internal'),
  unavailable: () => t('realtime.internal'),
};

/** Why a message was not sent, after "Not sent:": the code's reason, or the gateway's own words. */
export function realtimeReason(code: string, message: string): string {
  return Object.hasOwn(REALTIME_REASONS, code) ? REALTIME_REASONS[code]() : message;
}
