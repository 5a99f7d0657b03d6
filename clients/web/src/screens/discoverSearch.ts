// The Discover screen's search as it lives in the address bar: the form's fields, whether a search
// is running, and the place distances are measured from. The query string is the one source of
// truth, so Back from an event returns to the same search and a search can be shared as a link.

import type { EventSearch } from '../app/types';

/** The search form's fields as the inputs hold them (dates as `YYYY-MM-DD`, the radius in km). */
export interface SearchForm {
  q: string;
  tag: string;
  from: string;
  to: string;
  radius: string;
}

/** Where "near me" is: the person's location when they shared it, or the one a shared link carries. */
export interface Place {
  lat: number;
  lon: number;
}

export interface DiscoverSearch {
  form: SearchForm;
  /** Whether results are shown; an empty search lists every upcoming event. */
  searching: boolean;
  place: Place | null;
}

export const emptyForm: SearchForm = { q: '', tag: '', from: '', to: '', radius: '' };

/** The distance choices the form offers, in km. */
export const RADII = ['5', '25', '100'] as const;

/** Results per page, and per "Load more". */
export const PAGE_SIZE = 20;

const FORM_KEYS = ['q', 'tag', 'from', 'to', 'radius'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Locations in links are rounded to about 100 m: enough for distances, not a street address. */
const PLACE_DECIMALS = 3;

function coordinate(raw: string | null, limit: number): number | null {
  if (raw === null || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) && Math.abs(value) <= limit ? value : null;
}

/** Reads a search from a query string; values the form could not hold are left out. */
export function readDiscoverSearch(params: URLSearchParams): DiscoverSearch {
  const text = (key: string) => params.get(key) ?? '';
  const date = (key: string) => (DATE.test(text(key)) ? text(key) : '');
  const radius = text('radius');
  const form: SearchForm = {
    q: text('q'),
    tag: text('tag'),
    from: date('from'),
    to: date('to'),
    radius: (RADII as readonly string[]).includes(radius) ? radius : '',
  };
  const lat = coordinate(params.get('lat'), 90);
  const lon = coordinate(params.get('lon'), 180);
  return {
    form,
    searching: FORM_KEYS.some((key) => params.has(key)),
    place: lat !== null && lon !== null ? { lat, lon } : null,
  };
}

/**
 * Writes a search as a query string: only the fields that are set, in a fixed order, so that the
 * same search always gives the same link. A running search always carries `q`, even empty.
 */
export function writeDiscoverSearch({ form, searching, place }: DiscoverSearch): URLSearchParams {
  const params = new URLSearchParams();
  if (searching) {
    params.set('q', form.q);
    for (const key of FORM_KEYS) if (key !== 'q' && form[key]) params.set(key, form[key]);
  }
  if (place) {
    params.set('lat', place.lat.toFixed(PLACE_DECIMALS));
    params.set('lon', place.lon.toFixed(PLACE_DECIMALS));
  }
  return params;
}

/** Whether any field of the form is filled in. */
export function hasCriteria(form: SearchForm): boolean {
  return FORM_KEYS.some((key) => form[key].trim() !== '');
}

/**
 * The API query for a search, or null when none is running. Dates are whole days on the
 * person's own clock; a distance needs a place, and is left out without one.
 */
export function eventSearchFor({ form, searching, place }: DiscoverSearch): EventSearch | null {
  if (!searching) return null;
  const query: EventSearch = { limit: PAGE_SIZE };
  const q = form.q.trim();
  const tag = form.tag.trim().toLowerCase();
  if (q) query.q = q;
  if (tag) query.tag = tag;
  if (form.from) query.from = new Date(`${form.from}T00:00:00`).toISOString();
  if (form.to) query.to = new Date(`${form.to}T23:59:59`).toISOString();
  if (form.radius && place) {
    query.lat = place.lat;
    query.lon = place.lon;
    query.radius_km = Number(form.radius);
  }
  return query;
}
