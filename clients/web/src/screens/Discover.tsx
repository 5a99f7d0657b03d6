// Discover: events picked for the user (with the reasons), and search with filters. The search
// lives in the address bar (see discoverSearch.ts): typing updates it in place after a pause,
// so Back from an event returns to the same results and a search can be shared as a link.
// Signed out it is the front door: every upcoming event, searchable, and an invitation to sign
// up where the picks would be. Opening an event from a list records which list answer it came
// from and its place there, for the organizer's "where RSVPs came from".

import { FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useSearchParams } from 'react-router-dom';
import { skipToken } from '@reduxjs/toolkit/query';
import { useTracker } from '../analytics/context';
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
  const { t } = useTranslation();
  useTitle(t('discover.title'));
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
  // Each page is a list answer of its own, with its own id; places count from its top.
  const found =
    results.data?.pages.flatMap((page) =>
      page.items.map((event, position) => ({ event, position, requestId: page.request_id })),
    ) ?? [];
  const tracker = useTracker();
  const listKind = search?.q ? 'search' : 'browse';

  const set = (key: keyof SearchForm) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    commit({ form, searching: true, place });
  };

  const locate = () => {
    setGeoError(null);
    if (!navigator.geolocation) {
      setGeoError(t('discover.noGeolocation'));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => {
        const here: Place = { lat: p.coords.latitude, lon: p.coords.longitude };
        commit({ form, searching: current.searching || hasCriteria(form), place: here });
      },
      () => setGeoError(t('discover.noLocation')),
      { timeout: 8000 },
    );
  };

  return (
    <div className="page">
      <PageTitle>{t('discover.title')}</PageTitle>
      {!signedIn && (
        <section className="card" aria-labelledby="for-you-heading">
          <h2 id="for-you-heading" className="section-title">
            {t('discover.pickedForYou')}
          </h2>
          <SignUpInvitation>{t('discover.invitation')}</SignUpInvitation>
        </section>
      )}
      <section className="card search-card" aria-labelledby="search-heading">
        <h2 id="search-heading" className="section-title">
          {t('discover.search')}
        </h2>
        <form className="search-form" onSubmit={submit} role="search">
          <div className="field field-grow">
            <label htmlFor="q">{t('discover.keywords')}</label>
            <input
              id="q"
              type="search"
              placeholder={t('discover.keywordsPlaceholder')}
              value={form.q}
              onChange={set('q')}
            />
          </div>
          <div className="field">
            <label htmlFor="tag">{t('discover.tag')}</label>
            <input id="tag" placeholder={t('discover.tagPlaceholder')} value={form.tag} onChange={set('tag')} />
          </div>
          <div className="field">
            <label htmlFor="from">{t('discover.from')}</label>
            <input id="from" type="date" value={form.from} onChange={set('from')} />
          </div>
          <div className="field">
            <label htmlFor="to">{t('discover.to')}</label>
            <input id="to" type="date" value={form.to} onChange={set('to')} />
          </div>
          <div className="field">
            <label htmlFor="radius">{t('discover.distance')}</label>
            <select id="radius" value={form.radius} onChange={set('radius')}>
              <option value="">{t('discover.anywhere')}</option>
              <option value="5">{t('discover.within', { distance: 5 })}</option>
              <option value="25">{t('discover.within', { distance: 25 })}</option>
              <option value="100">{t('discover.within', { distance: 100 })}</option>
            </select>
          </div>
          <div className="search-actions">
            <button type="submit" className="button button-primary">
              {t('discover.searchButton')}
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
                {t('discover.clear')}
              </button>
            )}
          </div>
        </form>
        <p className="hint">
          {place ? (
            t('discover.fromYourLocation')
          ) : (
            <>
              {t('discover.useLocationHint')}{' '}
              <button type="button" className="link-button" onClick={locate}>
                {t('discover.useLocation')}
              </button>
            </>
          )}
        </p>
        <ErrorNote>
          {geoError ?? (current.form.radius && !place && search ? t('discover.shareLocation') : null)}
        </ErrorNote>
      </section>

      {listing && (
        <section aria-labelledby="results-heading" className="section">
          <h2 id="results-heading" className="section-title">
            {search ? t('discover.results') : t('discover.upcoming')}
          </h2>
          {results.isFetching && !results.isFetchingNextPage && <Spinner label={t('discover.searching')} />}
          {results.error && !results.isFetchNextPageError && <ErrorNote>{errorMessage(results.error)}</ErrorNote>}
          {results.data && found.length === 0 && (
            <Empty>{search ? t('discover.noMatch') : t('discover.noUpcoming')}</Empty>
          )}
          <div className="grid" aria-live="polite">
            {found.map(({ event, position, requestId }) => (
              <EventCard
                key={event.id}
                event={event}
                onOpen={() => tracker.open({ item: event.id, list: listKind, position, request_id: requestId })}
              />
            ))}
          </div>
          {results.hasNextPage && (
            <LoadMore
              label={t('discover.loadMore')}
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
            {t('discover.pickedForYou')}
          </h2>
          {recommended.isLoading && <Spinner />}
          {recommended.error && <ErrorNote>{errorMessage(recommended.error)}</ErrorNote>}
          {recommended.data && recommended.data.items.length === 0 && <Empty>{t('discover.noPicks')}</Empty>}
          <div className="grid">
            {recommended.data?.items.map((r, position) => (
              <EventCard
                key={r.event.id}
                event={r.event}
                reasons={r.reasons}
                onOpen={() =>
                  tracker.open({
                    item: r.event.id,
                    list: 'recommendations',
                    position,
                    request_id: recommended.data?.request_id,
                  })
                }
              />
            ))}
          </div>
        </section>
      )}
    </div>
  );
}
