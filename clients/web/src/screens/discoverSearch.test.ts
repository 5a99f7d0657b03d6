import { describe, expect, it } from 'vitest';
import {
  emptyForm,
  eventSearchFor,
  hasCriteria,
  PAGE_SIZE,
  readDiscoverSearch,
  writeDiscoverSearch,
  type DiscoverSearch,
} from './discoverSearch';

const read = (query: string) => readDiscoverSearch(new URLSearchParams(query));
const write = (search: DiscoverSearch) => writeDiscoverSearch(search).toString();

describe('the search in the address bar', () => {
  it('is empty without a query string', () => {
    expect(read('')).toEqual({ form: emptyForm, searching: false, place: null });
  });

  it('reads every field of the form', () => {
    expect(read('q=rust+night&tag=ai&from=2030-05-01&to=2030-05-31&radius=25&lat=51.522&lon=-0.103')).toEqual({
      form: { q: 'rust night', tag: 'ai', from: '2030-05-01', to: '2030-05-31', radius: '25' },
      searching: true,
      place: { lat: 51.522, lon: -0.103 },
    });
  });

  it('writes only what is set, in a fixed order', () => {
    const search: DiscoverSearch = {
      form: { ...emptyForm, radius: '5', q: 'design', tag: 'ux' },
      searching: true,
      place: null,
    };
    expect(write(search)).toBe('q=design&tag=ux&radius=5');
  });

  it('survives a round trip unchanged', () => {
    const search: DiscoverSearch = {
      form: { q: '  café & co ', tag: 'Rust', from: '2030-01-02', to: '', radius: '100' },
      searching: true,
      place: { lat: 48.857, lon: 2.352 },
    };
    expect(read(write(search))).toEqual(search);
  });

  it('keeps an empty search, which lists every upcoming event, as q=', () => {
    const everything: DiscoverSearch = { form: emptyForm, searching: true, place: null };
    expect(write(everything)).toBe('q=');
    expect(read('q=')).toEqual(everything);
  });

  it('keeps a shared location without a search running', () => {
    expect(write({ form: emptyForm, searching: false, place: { lat: 51.52241, lon: -0.10302 } })).toBe(
      'lat=51.522&lon=-0.103',
    );
    expect(read('lat=51.522&lon=-0.103')).toEqual({
      form: emptyForm,
      searching: false,
      place: { lat: 51.522, lon: -0.103 },
    });
  });

  it('leaves out values the form could not hold', () => {
    expect(read('q=x&from=tomorrow&to=2030-13&radius=7&lat=95&lon=0')).toEqual({
      form: { ...emptyForm, q: 'x' },
      searching: true,
      place: null,
    });
    expect(read('lat=51.5').place).toBeNull();
    expect(read('lat=&lon=').place).toBeNull();
  });

  it('counts any search field as a running search', () => {
    expect(read('tag=ai').searching).toBe(true);
    expect(read('radius=5').searching).toBe(true);
    expect(read('lat=1&lon=2').searching).toBe(false);
  });
});

describe('the API query of a search', () => {
  it('is null while no search runs', () => {
    expect(eventSearchFor({ form: { ...emptyForm, q: 'rust' }, searching: false, place: null })).toBeNull();
  });

  it('trims the words, lowercases the tag and pages', () => {
    expect(eventSearchFor({ form: { ...emptyForm, q: ' rust ', tag: ' AI ' }, searching: true, place: null })).toEqual({
      limit: PAGE_SIZE,
      q: 'rust',
      tag: 'ai',
    });
  });

  it('asks for whole days on the local clock', () => {
    const query = eventSearchFor({
      form: { ...emptyForm, from: '2030-05-01', to: '2030-05-02' },
      searching: true,
      place: null,
    });
    expect(query?.from).toBe(new Date(2030, 4, 1, 0, 0, 0).toISOString());
    expect(query?.to).toBe(new Date(2030, 4, 2, 23, 59, 59).toISOString());
  });

  it('filters by distance only from a known place', () => {
    const form = { ...emptyForm, radius: '25' };
    expect(eventSearchFor({ form, searching: true, place: null })).toEqual({ limit: PAGE_SIZE });
    expect(eventSearchFor({ form, searching: true, place: { lat: 51.5, lon: -0.1 } })).toEqual({
      limit: PAGE_SIZE,
      lat: 51.5,
      lon: -0.1,
      radius_km: 25,
    });
  });
});

describe('hasCriteria', () => {
  it('sees any filled-in field', () => {
    expect(hasCriteria(emptyForm)).toBe(false);
    expect(hasCriteria({ ...emptyForm, q: '  ' })).toBe(false);
    expect(hasCriteria({ ...emptyForm, to: '2030-01-01' })).toBe(true);
  });
});
