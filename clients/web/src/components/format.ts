// Dates, times, places and names as people read them. Whose clock a time is shown on is decided
// here and nowhere else: an event people travel to keeps its own time zone, an online-only event
// and everything else (chat lines, meetings, announcements) use the viewer's. Words and numbers are
// written in the app's language (`currentLocale`) unless a caller names another locale.

import i18n from 'i18next';
import type { MingleEvent } from '../app/types';
import { currentLocale } from '../i18n/config';

/** Locale, viewer's zone and moment to format for; the app's language, the browser's zone and now by default. */
export interface ClockOptions {
  locale?: string;
  viewerZone?: string;
  now?: number;
}

/** The IANA zone the viewer's clock shows. */
export function viewerTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Whether this browser knows the zone (an event from another client could name one it does not). */
export function knownZone(zone: string | null | undefined): zone is string {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, as Intl names it ("GMT+01:00", "GMT" at zero). */
function utcOffset(date: Date, timeZone: string): string {
  return (
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(date)
      .find((p) => p.type === 'timeZoneName')?.value ?? ''
  );
}

function year(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(date);
}

/** Hours as the locale writes them: "4:00 PM" on a 12-hour clock, "09:05" on a 24-hour one. */
function hourAndMinute(locale?: string): Intl.DateTimeFormatOptions {
  const { hourCycle } = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions();
  return { hour: hourCycle === 'h11' || hourCycle === 'h12' ? 'numeric' : '2-digit', minute: '2-digit' };
}

function dayAndTime(locale?: string): Intl.DateTimeFormatOptions {
  return { weekday: 'short', day: 'numeric', month: 'short', ...hourAndMinute(locale) };
}

/** "Thu, Dec 10, 4:00 PM", in the given zone (the viewer's by default). */
export function eventTime(iso: string, timeZone?: string, locale = currentLocale()): string {
  const zone = knownZone(timeZone) ? timeZone : undefined;
  return new Intl.DateTimeFormat(locale, { ...dayAndTime(locale), timeZone: zone }).format(new Date(iso));
}

/** "16:00" or "4:00 PM", in the viewer's zone. */
export function clock(iso: string, locale = currentLocale()): string {
  return new Intl.DateTimeFormat(locale, hourAndMinute(locale)).format(new Date(iso));
}

/**
 * The start of a chart's bucket on the viewer's clock: its time ("16:00") for buckets shorter than
 * a day, its date ("10 Dec") for day-long ones.
 */
export function bucketTime(iso: string, bucketMinutes: number, locale = currentLocale()): string {
  if (bucketMinutes < 1440) return clock(iso, locale);
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(new Date(iso));
}

/**
 * A calendar day as the server counts days (`YYYY-MM-DD`, in UTC), as "10 Dec", or "10 Dec 2026"
 * with `year`; never moved to the day before or after by the viewer's zone.
 */
export function calendarDay(day: string, { year = false, locale = currentLocale() } = {}): string {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    ...(year ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  }).format(new Date(`${day}T00:00:00Z`));
}

/** A whole number as the app's language writes it: "1,234" ("1 234" in Russian). */
export function formatCount(n: number, locale = currentLocale()): string {
  return n.toLocaleString(locale);
}

/** A share in [0, 1] as a percentage ("67%"), with `digits` after the point at most. */
export function formatPercent(share: number, digits = 0, locale = currentLocale()): string {
  return share.toLocaleString(locale, { style: 'percent', maximumFractionDigits: digits });
}

/** A change as a signed percentage ("+12.3%", "-4%"), with `digits` after the point at most. */
export function formatChange(share: number, digits = 1, locale = currentLocale()): string {
  return share.toLocaleString(locale, { style: 'percent', maximumFractionDigits: digits, signDisplay: 'exceptZero' });
}

/** A statistic with a fixed number of decimals ("1.96", "-0.40"; "1,96" in Russian). */
export function formatStatistic(value: number, digits = 2, locale = currentLocale()): string {
  return value.toLocaleString(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A number of seconds, short: "12 sec", "4.5 min", "2 hr" ("12 с", "4,5 мин", "2 ч" in Russian). */
export function shortDuration(seconds: number, locale = currentLocale()): string {
  const [value, unit] =
    seconds < 90 ? [seconds, 'second'] : seconds < 90 * 60 ? [seconds / 60, 'minute'] : [seconds / 3600, 'hour'];
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: value < 10 ? 1 : 0,
  }).format(value);
}

/**
 * When something happened, as short as a list beside a name allows, on the viewer's clock: the
 * time today ("09:05"), the weekday within the past week ("Sat"), the date this year ("5 Dec"),
 * and the full date before that ("5 Dec 2025").
 */
export function recentTime(
  iso: string,
  { locale = currentLocale(), viewerZone, now = Date.now() }: ClockOptions = {},
): string {
  const timeZone = knownZone(viewerZone) ? viewerZone : viewerTimeZone();
  const date = new Date(iso);
  // Whole calendar days between the two dates as the viewer's wall calendar shows them.
  const day = (d: Date) => Date.parse(`${toZonedInput(d, timeZone).slice(0, 10)}T00:00Z`) / 86_400_000;
  const daysAgo = day(new Date(now)) - day(date);
  const options: Intl.DateTimeFormatOptions =
    daysAgo === 0
      ? hourAndMinute(locale)
      : daysAgo > 0 && daysAgo < 7
        ? { weekday: 'short' }
        : year(date, timeZone) === year(new Date(now), timeZone)
          ? { day: 'numeric', month: 'short' }
          : { day: 'numeric', month: 'short', year: 'numeric' };
  return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(date);
}

/**
 * A span of time in one zone: "Thu, Dec 10, 4:00 – 6:00 PM" on one day, both dates when it runs
 * past midnight there, the year only when it is not the current one. `zoneName` appends the zone's
 * short name ("EST", "GMT+1"); when the offset changes within the span (a daylight-saving switch),
 * both ends carry their own, since one name at the end would mislabel the start.
 */
export function timeRange(
  startsAt: string,
  endsAt: string,
  {
    timeZone,
    zoneName = false,
    locale = currentLocale(),
    now = Date.now(),
  }: { timeZone?: string; zoneName?: boolean } & ClockOptions = {},
): string {
  const zone = knownZone(timeZone) ? timeZone : viewerTimeZone();
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  const thisYear = year(new Date(now), zone);
  const options: Intl.DateTimeFormatOptions = {
    ...dayAndTime(locale),
    timeZone: zone,
    ...(year(start, zone) !== thisYear || year(end, zone) !== thisYear ? { year: 'numeric' } : {}),
    ...(zoneName ? { timeZoneName: 'short' } : {}),
  };
  const format = new Intl.DateTimeFormat(locale, options);
  if (end <= start) return format.format(start);
  if (zoneName && utcOffset(start, zone) !== utcOffset(end, zone)) {
    return `${format.format(start)} – ${format.format(end)}`;
  }
  return format.formatRange(start, end);
}

type EventClockFields = Pick<MingleEvent, 'starts_at' | 'ends_at' | 'timezone' | 'venue' | 'online_url'>;

/** Joined from anywhere: a link and no venue. */
export function isOnlineOnly(event: Pick<MingleEvent, 'venue' | 'online_url'>): boolean {
  return !event.venue && Boolean(event.online_url);
}

/** Whether the event is on right now: started and not yet ended. */
export function isHappening(startsAt: string, endsAt: string, now = Date.now()): boolean {
  return new Date(startsAt).getTime() <= now && now < new Date(endsAt).getTime();
}

/** How an event's time reads wherever it is shown: on a card, its page, the organizer's screens. */
export interface EventWhen {
  /** "Thu, Dec 10, 4:00 – 6:00 PM", ending in the zone's short name when it is not the viewer's. */
  text: string;
  /** The date badge, from the same clock as `text`: "Dec" and "10". */
  month: string;
  day: string;
  /** The IANA zone the times are in. */
  timeZone: string;
  /** Whose clock that is: the event's own (in person) or the viewer's (online only). */
  whose: 'event' | 'viewer';
  /** Whether `text` names the zone, because the event's clock differs from the viewer's. */
  labelled: boolean;
  /** On now: started and not yet ended. */
  live: boolean;
}

/**
 * An event's time, read on one clock. An in-person event keeps its own zone (7 pm in Berlin is
 * what the poster at the door says, wherever it is read from), named when the viewer's clock
 * differs; an online-only event is joined from wherever the viewer is, so it shows on theirs.
 */
export function eventWhen(event: EventClockFields, options: ClockOptions = {}): EventWhen {
  const viewerZone = knownZone(options.viewerZone) ? options.viewerZone : viewerTimeZone();
  const own = !isOnlineOnly(event) && knownZone(event.timezone);
  const timeZone = own ? event.timezone : viewerZone;
  const start = new Date(event.starts_at);
  const end = new Date(event.ends_at);
  const labelled = own && [start, end].some((date) => utcOffset(date, timeZone) !== utcOffset(date, viewerZone));
  const badge = new Intl.DateTimeFormat(options.locale ?? currentLocale(), {
    timeZone,
    month: 'short',
    day: 'numeric',
  }).formatToParts(start);
  return {
    text: timeRange(event.starts_at, event.ends_at, { ...options, timeZone, zoneName: labelled }),
    month: badge.find((p) => p.type === 'month')?.value ?? '',
    day: badge.find((p) => p.type === 'day')?.value ?? '',
    timeZone,
    whose: own ? 'event' : 'viewer',
    labelled,
    live: isHappening(event.starts_at, event.ends_at, options.now),
  };
}

/** Where an event happens, as a card says it: its venue, "Online", or both for a hybrid one. */
export function eventPlace(event: Pick<MingleEvent, 'venue' | 'online_url'>): string | null {
  const venue = event.venue ? [event.venue.name.trim(), event.venue.city?.trim()].filter(Boolean).join(', ') : null;
  const parts = [venue, event.online_url ? i18n.t('event.online') : null].filter(Boolean);
  return parts.length ? parts.join(' · ') : null;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return (parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] ?? '?').slice(0, 2)).toUpperCase();
}

/** A stable hue for a person, so their avatar keeps its colour everywhere. */
export function hue(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) % 360;
  return h;
}

/** Whether the live room is open: from a day before the start (when check-in opens) to the end. */
export function isLive(startsAt: string, endsAt: string, now = Date.now()): boolean {
  return new Date(startsAt).getTime() - 24 * 3600_000 <= now && now < new Date(endsAt).getTime();
}

/** `datetime-local` input value for a date, in the viewer's zone. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** RFC 3339 with the viewer's offset for a `datetime-local` value. */
export function fromLocalInput(value: string): string {
  const date = new Date(value);
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${value.length === 16 ? `${value}:00` : value}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** `datetime-local` input value for an instant, on the wall clock of `timeZone`. */
export function toZonedInput(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

/** Minutes east of UTC, read from Intl's "GMT+05:30". */
function offsetMinutes(date: Date, timeZone: string): number {
  const match = /([+-])(\d\d):(\d\d)/.exec(utcOffset(date, timeZone));
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

/**
 * The instant a `datetime-local` value names on the wall clock of `timeZone`, as RFC 3339 with
 * that zone's offset. The offset is Intl's, looked up twice: once for the wall time read as UTC,
 * once more for the instant that gives, which settles the hours next to a daylight-saving switch.
 * A wall time the switch skips lands an hour to one side; one it repeats gets one of its instants.
 */
export function fromZonedInput(value: string, timeZone: string): string {
  const [y, mo, d, h, mi] = (value.match(/\d+/g) ?? []).map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const first = wall - offsetMinutes(new Date(wall), timeZone) * 60_000;
  const instant = new Date(wall - offsetMinutes(new Date(first), timeZone) * 60_000);
  const offset = offsetMinutes(instant, timeZone);
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${toZonedInput(instant, timeZone)}:00${offset < 0 ? '-' : '+'}${pad(offset / 60)}:${pad(offset % 60)}`;
}
