// Discover: events picked for the user (with the reasons), and search with filters. The search
// lives in the address bar (see discoverSearch.ts): typing updates it in place after a pause,
// so Back from an event returns to the same results and a search can be shared as a link.
// Signed out it is the front door: every upcoming event, searchable, and an invitation to sign
// up where the picks would be.

import { FormEvent, useEffect, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import { skipToken } from '@reduxjs/toolkit/query';
import { errorMessage, useRecommendationsQuery, useSearchEventsInfiniteQuery } from '../app/api';
import { useSignedIn } from '../app/hooks';
import { SignUpInvitation } from '../components/AuthLinks';
import { EventCard } from '../components/EventCard';
import { LoadMore } from '../components/LoadMore';
import { Empty, ErrorNote, PageTitle, Spinner } from '../components/ui';
import { useTitle } from '../components/useTitle';
import {
  type DiscoverSearch,
  emptyForm,
  eventSearchFor,
  hasCriteria,
  PAGE_SIZE,
  type Place,
  readDiscoverSearch,
  type SearchForm,
  writeDiscoverSearch,
} from './discoverSearch';

/** How long typing pauses before the address bar (and so the results) follow the form. */
const TYPING_PAUSE_MS = 400;

/** Marks the navigations the form itself makes, so they never reset what is being typed. */
const FROM_FORM = { fromForm: true };

export function Discover() {
  useTitle('Discover');
  const signedIn = useSignedIn();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const query = params.toString();
  const current = readDiscoverSearch(params);
  const [form, setForm] = useState<SearchForm>(current.form);
  const [geoError, setGeoError] = useState<string | null>(null);

  // Another navigation (the Discover link, Back and Forward) brings its own search into the form.
  const [seenKey, setSeenKey] = useState(location.key);
  if (location.key !== seenKey) {
    setSeenKey(location.key);
    if ((location.state as typeof FROM_FORM | null)?.fromForm !== true) setForm(current.form);
  }

  const commit = (next: DiscoverSearch) => {
    const nextQuery = writeDiscoverSearch(next);
    if (nextQuery.toString() !== query) setParams(nextQuery, { replace: true, state: FROM_FORM });
  };

  // Typing replaces the address (never adds to the history) once it pauses.
  useEffect(() => {
    const shown = readDiscoverSearch(new URLSearchParams(query));
    const next = writeDiscoverSearch({ ...shown, form, searching: shown.searching || hasCriteria(form) });
    if (next.toString() === query) return;
    const timer = setTimeout(() => setParams(next, { replace: true, state: FROM_FORM }), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [form, query, setParams]);

  const search = eventSearchFor(current);
  const place = current.place;
  const recommended = useRecommendationsQuery({ limit: 12, ...(place ?? {}) }, { skip: !signedIn });
  // Signed out, with no picks to show, the list of every upcoming event stands in for them.
  const listing = search ?? (signedIn ? null : { limit: PAGE_SIZE });
  const results = useSearchEventsInfiniteQuery(listing ?? skipToken);
  const found = results.data?.pages.flatMap((page) => page.items) ?? [];

  const set = (key: keyof SearchForm) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    commit({ form, searching: true, place });
  };

  const locate = () => {
    setGeoError(null);
    if (!navigator.geolocation) {
      setGeoError('This browser cannot share its location.');
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => {
        const here: Place = { lat: p.coords.latitude, lon: p.coords.longitude };
        commit({ form, searching: current.searching || hasCriteria(form), place: here });
      },
      () => setGeoError('Location is not available; distance filters need it.'),
      { timeout: 8000 },
    );
  };

  return (
    <div className="page">
      <PageTitle>Discover</PageTitle>
      {!signedIn && (
        <section className="card" aria-labelledby="for-you-heading">
          <h2 id="for-you-heading" className="section-title">
            Picked for you
          </h2>
          <SignUpInvitation>
            Sign up and say what you are into: Mingle picks events for you, with the reasons, and suggests who to meet
            once you are there.
          </SignUpInvitation>
        </section>
      )}
      <section className="card search-card" aria-labelledby="search-heading">
        <h2 id="search-heading" className="section-title">
          Search events
        </h2>
        <form className="search-form" onSubmit={submit} role="search">
          <div className="field field-grow">
            <label htmlFor="q">Keywords</label>
            <input id="q" type="search" placeholder="rust, design, founders…" value={form.q} onChange={set('q')} />
          </div>
          <div className="field">
            <label htmlFor="tag">Tag</label>
            <input id="tag" placeholder="e.g. ai" value={form.tag} onChange={set('tag')} />
          </div>
          <div className="field">
            <label htmlFor="from">From</label>
            <input id="from" type="date" value={form.from} onChange={set('from')} />
          </div>
          <div className="field">
            <label htmlFor="to">To</label>
            <input id="to" type="date" value={form.to} onChange={set('to')} />
          </div>
          <div className="field">
            <label htmlFor="radius">Distance</label>
            <select id="radius" value={form.radius} onChange={set('radius')}>
              <option value="">Anywhere</option>
              <option value="5">Within 5 km</option>
              <option value="25">Within 25 km</option>
              <option value="100">Within 100 km</option>
            </select>
          </div>
          <div className="search-actions">
            <button type="submit" className="button button-primary">
              Search
            </button>
            {search && (
              <button
                type="button"
                className="button button-ghost"
                onClick={() => {
                  setForm(emptyForm);
                  commit({ form: emptyForm, searching: false, place });
                }}
              >
                Clear
              </button>
            )}
          </div>
        </form>
        <p className="hint">
          {place ? (
            <>Distances are measured from your location.</>
          ) : (
            <>
              Distance filters and nearby picks use your location.{' '}
              <button type="button" className="link-button" onClick={locate}>
                Use my location
              </button>
            </>
          )}
        </p>
        <ErrorNote>
          {geoError ?? (current.form.radius && !place && search ? 'Share your location to filter by distance.' : null)}
        </ErrorNote>
      </section>

      {listing && (
        <section aria-labelledby="results-heading" className="section">
          <h2 id="results-heading" className="section-title">
            {search ? 'Results' : 'Upcoming events'}
          </h2>
          {results.isFetching && !results.isFetchingNextPage && <Spinner label="Searching" />}
          {results.error && !results.isFetchNextPageError && <ErrorNote>{errorMessage(results.error)}</ErrorNote>}
          {results.data && found.length === 0 && (
            <Empty>{search ? 'No events match. Try fewer filters.' : 'No upcoming events yet.'}</Empty>
          )}
          <div className="grid" aria-live="polite">
            {found.map((e) => (
              <EventCard key={e.id} event={e} />
            ))}
          </div>
          {results.hasNextPage && (
            <LoadMore
              label="Load more events"
              loading={results.isFetchingNextPage}
              error={results.isFetchNextPageError ? errorMessage(results.error) : null}
              onLoad={() => void results.fetchNextPage()}
            />
          )}
        </section>
      )}

      {signedIn && (
        <section aria-labelledby="for-you-heading" className="section">
          <h2 id="for-you-heading" className="section-title">
            Picked for you
          </h2>
          {recommended.isLoading && <Spinner />}
          {recommended.error && <ErrorNote>{errorMessage(recommended.error)}</ErrorNote>}
          {recommended.data && recommended.data.items.length === 0 && (
            <Empty>Nothing upcoming yet. Fill in your interests in your profile for better picks.</Empty>
          )}
          <div className="grid">
            {recommended.data?.items.map((r) => (
              <EventCard key={r.event.id} event={r.event} reasons={r.reasons} />
            ))}
          </div>
        </section>
      )}
    </div>
  );
}
