import { describe, expect, it } from 'vitest';
import { calendarFileName, escapeText, eventCalendar, foldLine, utcDateTime } from './ics';
import type { MingleEvent } from './types';

const event: MingleEvent = {
  id: '0b8f7d2e-5c1a-4e7b-9f3d-2a6c8e1b4d90',
  title: 'Rust, Design; and \\ Pizza',
  description: 'Line one\nLine two, with **Markdown**',
  starts_at: '2026-11-26T19:00:00+00:00',
  ends_at: '2026-11-26T22:30:00+01:00',
  timezone: 'Europe/London',
  venue: { name: 'The Foundry', address: '12 Clerkenwell Rd, London', lat: 51.5224, lon: -0.103 },
  online_url: null,
  tags: [],
  capacity: 80,
  checked_in_count: 0,
  created_at: '2026-11-01T10:00:00Z',
  going_count: 3,
  interested_count: 1,
  is_organizer: false,
  organizer_ids: [],
  visibility: 'public',
  waitlist_count: 0,
};
const url = 'https://mingle.example.com/events/0b8f7d2e-5c1a-4e7b-9f3d-2a6c8e1b4d90';
const octets = (s: string) => new TextEncoder().encode(s).length;

describe('iCalendar file', () => {
  const ics = eventCalendar(event, url, new Date(Date.UTC(2026, 10, 20, 8, 5, 9)));
  // Unfolded content lines, as a calendar reads them.
  const lines = ics.replace(/\r\n /g, '').split('\r\n');

  it('is one VEVENT in a VCALENDAR, every line ending in CRLF', () => {
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:')).toBe(true);
    expect(ics.endsWith('END:VEVENT\r\nEND:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('states the times in UTC, and takes its UID and URL from the event', () => {
    expect(lines).toContain('DTSTART:20261126T190000Z');
    expect(lines).toContain('DTEND:20261126T213000Z');
    expect(lines).toContain('DTSTAMP:20261120T080509Z');
    expect(lines).toContain('UID:0b8f7d2e-5c1a-4e7b-9f3d-2a6c8e1b4d90@mingle.example.com');
    expect(lines).toContain(`URL:${url}`);
    expect(lines).toContain('GEO:51.5224;-0.103');
  });

  it('escapes commas, semicolons, backslashes and newlines in text', () => {
    expect(lines).toContain('SUMMARY:Rust\\, Design\\; and \\\\ Pizza');
    expect(lines).toContain(`DESCRIPTION:Line one\\nLine two\\, with **Markdown**\\n\\n${url}`);
    expect(lines).toContain('LOCATION:The Foundry\\, 12 Clerkenwell Rd\\, London');
    expect(escapeText('a\r\nb\rc\u0007d\te')).toBe('a\\nb\\ncd\te');
  });

  it('takes an online event’s link as its location', () => {
    const online = eventCalendar({ ...event, venue: null, online_url: 'https://meet.example.com/x' }, url);
    expect(online).toContain('\r\nLOCATION:https://meet.example.com/x\r\n');
    expect(online).not.toContain('GEO:');
  });

  it('folds lines longer than 75 octets without splitting a character', () => {
    for (const line of ics.split('\r\n')) expect(octets(line)).toBeLessThanOrEqual(75);
    const long = `SUMMARY:${'é'.repeat(50)}${'x'.repeat(30)}🎉 end`;
    const folded = foldLine(long);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(octets(part)).toBeLessThanOrEqual(75);
    for (const part of parts.slice(1)) expect(part.startsWith(' ')).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(long);
    expect(foldLine('SHORT:line')).toBe('SHORT:line');
  });

  it('writes UTC date-times and names the file after the event', () => {
    expect(utcDateTime('2026-03-29T01:30:00+02:00')).toBe('20260328T233000Z');
    expect(calendarFileName('Rust & Design Night: Café edition!')).toBe('rust-design-night-cafe-edition.ics');
    expect(calendarFileName('🎉')).toBe('event.ics');
  });
});
