import i18n from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { MingleEvent } from '../app/types';
import {
  calendarDay,
  clock,
  eventPlace,
  formatChange,
  formatCount,
  formatPercent,
  formatStatistic,
  eventTime,
  eventWhen,
  fromLocalInput,
  fromZonedInput,
  initials,
  isHappening,
  isLive,
  recentTime,
  shortDuration,
  timeRange,
  toLocalInput,
  toZonedInput,
} from './format';

describe('format', () => {
  it('turns a datetime-local value into RFC 3339 with the local offset, naming the same instant', () => {
    const value = '2026-11-26T19:30';
    const rfc3339 = fromLocalInput(value);
    expect(rfc3339).toMatch(/^2026-11-26T19:30:00[+-]\d\d:\d\d$/);
    expect(new Date(rfc3339).getTime()).toBe(new Date(value).getTime());
    expect(toLocalInput(new Date(rfc3339))).toBe(value);
  });

  it('opens the live room a day before the start, with check-in, until the end', () => {
    const start = Date.UTC(2026, 10, 26, 18);
    const end = start + 3 * 3600_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(isLive(iso(start), iso(end), start - 25 * 3600_000)).toBe(false);
    expect(isLive(iso(start), iso(end), start - 23 * 3600_000)).toBe(true);
    expect(isLive(iso(start), iso(end), end)).toBe(false);
  });

  it('makes initials from one or several names', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('  plato ')).toBe('PL');
    expect(initials('Jean Claude Van Damme')).toBe('JD');
  });
});

/** ICU spaces its output with narrow and thin no-break spaces, differently across versions. */
const plain = (text: string) => text.replace(/[\u00a0\u2009\u202f]/g, ' ');

type Timed = Pick<MingleEvent, 'starts_at' | 'ends_at' | 'timezone' | 'venue' | 'online_url'>;
const venue = { name: 'The Foundry', address: '12 Clerkenwell Rd, London', lat: 51.52, lon: -0.1 };
const inPerson = (starts_at: string, ends_at: string, timezone: string): Timed => ({
  starts_at,
  ends_at,
  timezone,
  venue,
  online_url: null,
});
const onlineOnly = (starts_at: string, ends_at: string, timezone: string): Timed => ({
  starts_at,
  ends_at,
  timezone,
  venue: null,
  online_url: 'https://meet.example.com/abc',
});
/** Early December 2026: every fixture below is upcoming, in the current year. */
const now = Date.UTC(2026, 11, 1, 12);
const us = { locale: 'en-US', now };

describe('eventWhen', () => {
  it('shows a same-day event once, on its own clock, unlabelled when that is the viewer’s', () => {
    // 4 to 6 pm in New York, read in New York.
    const when = eventWhen(inPerson('2026-12-10T21:00:00Z', '2026-12-10T23:00:00Z', 'America/New_York'), {
      ...us,
      viewerZone: 'America/New_York',
    });
    expect(plain(when.text)).toBe('Thu, Dec 10, 4:00 – 6:00 PM');
    expect([when.month, when.day]).toEqual(['Dec', '10']);
    expect(when).toMatchObject({ labelled: false, whose: 'event', timeZone: 'America/New_York', live: false });
  });

  it('keeps an in-person event on its own clock elsewhere, names the zone, and the badge agrees', () => {
    // 8 to 10 pm on the 10th in New York is already the 11th in London: badge and text both say the 10th.
    const when = eventWhen(inPerson('2026-12-11T01:00:00Z', '2026-12-11T03:00:00Z', 'America/New_York'), {
      ...us,
      viewerZone: 'Europe/London',
    });
    expect(plain(when.text)).toBe('Thu, Dec 10, 8:00 – 10:00 PM EST');
    expect([when.month, when.day]).toEqual(['Dec', '10']);
    expect(when).toMatchObject({ labelled: true, whose: 'event' });
  });

  it('shows an online-only event on the viewer’s clock, whatever zone it was created in', () => {
    const event = onlineOnly('2026-12-11T01:00:00Z', '2026-12-11T03:00:00Z', 'America/New_York');
    const berlin = eventWhen(event, { ...us, viewerZone: 'Europe/Berlin' });
    expect(plain(berlin.text)).toBe('Fri, Dec 11, 2:00 – 4:00 AM');
    expect([berlin.month, berlin.day]).toEqual(['Dec', '11']);
    expect(berlin).toMatchObject({ labelled: false, whose: 'viewer', timeZone: 'Europe/Berlin' });
    const tokyo = eventWhen(event, { ...us, viewerZone: 'Asia/Tokyo' });
    expect(plain(tokyo.text)).toBe('Fri, Dec 11, 10:00 AM – 12:00 PM');
  });

  it('keeps a hybrid event (a venue and a link) on the venue’s clock', () => {
    const event = { ...inPerson('2026-12-10T09:00:00Z', '2026-12-10T11:00:00Z', 'Asia/Kolkata'), online_url: 'x' };
    const when = eventWhen(event, { ...us, viewerZone: 'Europe/London' });
    expect(plain(when.text)).toBe('Thu, Dec 10, 2:30 – 4:30 PM GMT+5:30');
    expect(when.whose).toBe('event');
  });

  it('shows both dates of an event that runs past midnight on its clock', () => {
    const when = eventWhen(inPerson('2026-12-10T21:00:00Z', '2026-12-11T07:00:00Z', 'America/New_York'), {
      ...us,
      viewerZone: 'America/New_York',
    });
    expect(plain(when.text)).toBe('Thu, Dec 10, 4:00 PM – Fri, Dec 11, 2:00 AM');
  });

  it('does not label a zone whose clock reads the same as the viewer’s', () => {
    const when = eventWhen(inPerson('2026-12-10T18:00:00Z', '2026-12-10T20:00:00Z', 'Europe/Dublin'), {
      ...us,
      viewerZone: 'Europe/London',
    });
    expect(when.labelled).toBe(false);
    expect(plain(when.text)).toBe('Thu, Dec 10, 6:00 – 8:00 PM');
  });

  it('labels a zone only while daylight saving sets it apart', () => {
    // Accra keeps GMT all year; London reads the same in winter, an hour ahead in summer.
    const winter = eventWhen(inPerson('2026-12-10T18:00:00Z', '2026-12-10T20:00:00Z', 'Europe/London'), {
      ...us,
      viewerZone: 'Africa/Accra',
    });
    expect(winter.labelled).toBe(false);
    const summer = eventWhen(inPerson('2026-07-10T18:00:00Z', '2026-07-10T20:00:00Z', 'Europe/London'), {
      ...us,
      now: Date.UTC(2026, 5, 1),
      viewerZone: 'Africa/Accra',
    });
    expect(summer.labelled).toBe(true);
    expect(plain(summer.text)).toBe('Fri, Jul 10, 7:00 – 9:00 PM GMT+1');
  });

  it('names the zone at both ends of an event that spans a daylight-saving switch', () => {
    // London springs forward at 01:00 GMT on 29 March 2026: 00:30 GMT to 03:30 BST is two hours.
    const when = eventWhen(inPerson('2026-03-29T00:30:00Z', '2026-03-29T02:30:00Z', 'Europe/London'), {
      ...us,
      now: Date.UTC(2026, 0, 1),
      viewerZone: 'America/New_York',
    });
    expect(plain(when.text)).toBe('Sun, Mar 29, 12:30 AM GMT – Sun, Mar 29, 3:30 AM GMT+1');
    // On the viewer's own clock the switch needs no names.
    const local = eventWhen(inPerson('2026-03-29T00:30:00Z', '2026-03-29T02:30:00Z', 'Europe/London'), {
      ...us,
      now: Date.UTC(2026, 0, 1),
      viewerZone: 'Europe/London',
    });
    expect(plain(local.text)).toBe('Sun, Mar 29, 12:30 – 3:30 AM');
  });

  it('adds the year only for an event outside the current one', () => {
    const when = eventWhen(inPerson('2027-01-05T18:00:00Z', '2027-01-05T20:00:00Z', 'Europe/London'), {
      ...us,
      viewerZone: 'Europe/London',
    });
    expect(plain(when.text)).toBe('Tue, Jan 5, 2027, 6:00 – 8:00 PM');
  });

  it('is live from the start until the end, not before, not after', () => {
    const event = inPerson('2026-12-10T18:00:00Z', '2026-12-10T20:00:00Z', 'Europe/London');
    const at = (iso: string) => eventWhen(event, { ...us, now: Date.parse(iso), viewerZone: 'Europe/London' }).live;
    expect(at('2026-12-10T17:59:59Z')).toBe(false);
    expect(at('2026-12-10T18:00:00Z')).toBe(true);
    expect(at('2026-12-10T19:59:59Z')).toBe(true);
    expect(at('2026-12-10T20:00:00Z')).toBe(false);
    expect(isHappening(event.starts_at, event.ends_at, Date.parse('2026-12-10T19:00:00Z'))).toBe(true);
  });

  it('falls back to the viewer’s clock for a zone this browser does not know', () => {
    const when = eventWhen(inPerson('2026-12-10T18:00:00Z', '2026-12-10T20:00:00Z', 'Mars/Olympus_Mons'), {
      ...us,
      viewerZone: 'Asia/Tokyo',
    });
    expect(plain(when.text)).toBe('Fri, Dec 11, 3:00 – 5:00 AM');
    expect(when).toMatchObject({ whose: 'viewer', labelled: false });
  });

  it('follows the locale', () => {
    const when = eventWhen(inPerson('2026-12-10T16:00:00Z', '2026-12-10T18:00:00Z', 'Europe/London'), {
      locale: 'en-GB',
      now,
      viewerZone: 'Europe/London',
    });
    expect(plain(when.text).replace(/ ?– ?/, '–')).toBe('Thu 10 Dec, 16:00–18:00');
    expect([when.month, when.day]).toEqual(['Dec', '10']);
    // A 24-hour clock keeps its leading zero, a 12-hour one does not.
    expect(plain(eventTime('2026-12-10T09:05:00Z', 'UTC', 'en-GB'))).toBe('Thu 10 Dec, 09:05');
    expect(plain(eventTime('2026-12-10T09:05:00Z', 'UTC', 'en-US'))).toBe('Thu, Dec 10, 9:05 AM');
    expect(plain(clock('2026-12-10T09:05:00Z', 'de-DE'))).toMatch(/^\d\d:\d\d$/);
  });
});

describe('timeRange and eventTime', () => {
  it('shows an instant span once', () => {
    expect(plain(timeRange('2026-12-10T18:00:00Z', '2026-12-10T18:00:00Z', { ...us, timeZone: 'UTC' }))).toBe(
      'Thu, Dec 10, 6:00 PM',
    );
  });

  it('formats one instant in a given zone', () => {
    expect(plain(eventTime('2026-12-10T18:00:00Z', 'Asia/Tokyo', 'en-US'))).toBe('Fri, Dec 11, 3:00 AM');
  });
});

describe('recentTime', () => {
  // Saturday 5 December 2026, 10:00 in London.
  const at = { locale: 'en-GB', viewerZone: 'Europe/London', now: Date.UTC(2026, 11, 5, 10) };
  it('says the time today, the weekday this week, the date this year, and the year before that', () => {
    expect(recentTime('2026-12-05T00:30:00Z', at)).toBe('00:30');
    expect(recentTime('2026-12-04T23:30:00Z', at)).toBe('Fri');
    expect(recentTime('2026-11-29T12:00:00Z', at)).toBe('Sun');
    expect(recentTime('2026-11-28T12:00:00Z', at)).toBe('28 Nov');
    expect(recentTime('2025-12-24T12:00:00Z', at)).toBe('24 Dec 2025');
  });

  it('counts days on the viewer’s calendar', () => {
    // 23:30 UTC on the 4th is already the 5th in Tokyo.
    expect(recentTime('2026-12-04T23:30:00Z', { ...at, viewerZone: 'Asia/Tokyo' })).toBe('08:30');
  });
});

describe('eventPlace', () => {
  it('names the venue, "Online", or both', () => {
    expect(eventPlace({ venue, online_url: null })).toBe('The Foundry');
    expect(eventPlace({ venue: null, online_url: 'https://meet.example.com/abc' })).toBe('Online');
    expect(eventPlace({ venue, online_url: 'https://meet.example.com/abc' })).toBe('The Foundry · Online');
    expect(eventPlace({ venue: null, online_url: null })).toBeNull();
  });

  it('says which city the venue is in', () => {
    const inLondon = { ...venue, city: 'London' };
    expect(eventPlace({ venue: inLondon, online_url: null })).toBe('The Foundry, London');
    expect(eventPlace({ venue: inLondon, online_url: 'https://meet.example.com/abc' })).toBe(
      'The Foundry, London · Online',
    );
  });
});

describe('zoned datetime-local values', () => {
  it('reads and writes the wall clock of the event’s zone, not the viewer’s', () => {
    expect(toZonedInput(new Date('2026-12-10T09:00:00Z'), 'Asia/Tokyo')).toBe('2026-12-10T18:00');
    expect(fromZonedInput('2026-12-10T18:00', 'Asia/Tokyo')).toBe('2026-12-10T18:00:00+09:00');
    expect(fromZonedInput('2026-07-10T19:30', 'Europe/London')).toBe('2026-07-10T19:30:00+01:00');
    expect(fromZonedInput('2026-12-10T19:30', 'Europe/London')).toBe('2026-12-10T19:30:00+00:00');
    expect(fromZonedInput('2026-12-10T16:00', 'America/New_York')).toBe('2026-12-10T16:00:00-05:00');
    expect(fromZonedInput('2026-12-10T16:00', 'Asia/Kolkata')).toBe('2026-12-10T16:00:00+05:30');
  });

  it('round-trips every half hour of the days with a daylight-saving switch', () => {
    // [zone, the day clocks go forward, the day they go back] in 2026.
    const switches: [string, string, string][] = [
      ['Europe/London', '2026-03-29', '2026-10-25'],
      ['America/New_York', '2026-03-08', '2026-11-01'],
      ['Australia/Sydney', '2026-10-04', '2026-04-05'],
    ];
    for (const [zone, forward, back] of switches) {
      // The hour clocks skip is two half-hour slots; the hour they repeat skips none.
      for (const [day, skipped] of [
        [forward, 2],
        [back, 0],
      ] as const) {
        const moved: string[] = [];
        for (let minutes = 0; minutes < 24 * 60; minutes += 30) {
          const pad = (n: number) => String(n).padStart(2, '0');
          const value = `${day}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
          const again = toZonedInput(new Date(fromZonedInput(value, zone)), zone);
          if (again === value) continue;
          // A wall time the switch skips does not exist: it lands an hour to one side.
          moved.push(value);
          expect(Math.abs(Date.parse(`${again}Z`) - Date.parse(`${value}Z`))).toBe(3600_000);
        }
        expect(moved, `${zone} on ${day}`).toHaveLength(skipped);
      }
    }
  });
});

describe('in the app’s language', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('writes dates, times and places in Russian once the app is in Russian', async () => {
    await i18n.changeLanguage('ru');
    const at = { viewerZone: 'Europe/Moscow', now: Date.UTC(2026, 11, 5, 10) };
    expect(plain(eventTime('2026-12-10T16:00:00Z', 'Europe/Moscow'))).toBe('чт, 10 дек., 19:00');
    expect(recentTime('2026-12-04T12:00:00Z', at)).toBe('пт');
    expect(recentTime('2026-11-28T12:00:00Z', at)).toBe('28 нояб.');
    const when = eventWhen(inPerson('2026-12-10T16:00:00Z', '2026-12-10T18:00:00Z', 'Europe/Moscow'), at);
    expect([when.month, when.day]).toEqual(['дек.', '10']);
    expect(eventPlace({ venue, online_url: 'https://meet.example.com/abc' })).toBe('The Foundry · Онлайн');
  });
});

describe('numbers and days on the dashboards', () => {
  it('writes a server day as that calendar day, whatever the viewer’s zone', () => {
    expect(calendarDay('2026-12-05', { locale: 'en-GB' })).toBe('5 Dec');
    expect(calendarDay('2026-01-01', { locale: 'en-US', year: true })).toBe('Jan 1, 2026');
    expect(calendarDay('2026-12-31', { locale: 'ru' })).toBe('31 дек.');
  });

  it('writes counts and shares in the language', () => {
    expect(plain(formatCount(12345, 'ru'))).toBe('12 345');
    expect(formatCount(12345, 'en')).toBe('12,345');
    expect(formatPercent(2 / 3, 0, 'en')).toBe('67%');
    expect(formatPercent(0.1234, 1, 'en')).toBe('12.3%');
    expect(plain(formatPercent(0.5, 0, 'ru'))).toBe('50 %');
  });

  it('writes a change with its sign and a statistic with its decimals', () => {
    expect(formatChange(0.1234, 1, 'en')).toBe('+12.3%');
    expect(formatChange(-0.04, 1, 'en')).toBe('-4%');
    expect(formatChange(0, 1, 'en')).toBe('0%');
    expect(plain(formatChange(0.5, 1, 'ru'))).toBe('+50 %');
    expect(formatStatistic(1.959964, 2, 'en')).toBe('1.96');
    expect(formatStatistic(-0.4, 2, 'en')).toBe('-0.40');
    expect(formatStatistic(2.807, 2, 'ru')).toBe('2,81');
  });

  it('says a lag in the unit that reads best', () => {
    expect(shortDuration(1.25, 'en')).toBe('1.3 sec');
    expect(shortDuration(0, 'en')).toBe('0 sec');
    expect(shortDuration(300, 'en')).toBe('5 min');
    expect(shortDuration(7200, 'en')).toBe('2 hr');
  });
});
