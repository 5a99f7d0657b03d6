// Dates and names as people read them.

/** "Thu 26 Nov, 19:00" in the event's own time zone (falls back to the viewer's). */
export function eventTime(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(date);
  }
}

/** "19:00" in the viewer's zone. */
export function clock(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

export function dateRange(startsAt: string, endsAt: string, timeZone?: string): string {
  const start = eventTime(startsAt, timeZone);
  const sameDay = new Date(startsAt).toDateString() === new Date(endsAt).toDateString();
  if (sameDay) {
    const end = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone }).format(
      new Date(endsAt),
    );
    return `${start} – ${end}`;
  }
  return `${start} – ${eventTime(endsAt, timeZone)}`;
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
