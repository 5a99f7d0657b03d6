// Discover: events picked for the user (with the reasons), and search with filters.

import { FormEvent, useState } from 'react';
import { skipToken } from '@reduxjs/toolkit/query';
import { errorMessage, useRecommendationsQuery, useSearchEventsQuery } from '../app/api';
import type { EventSearch } from '../app/types';
import { EventCard } from '../components/EventCard';
import { Empty, ErrorNote, PageTitle, Spinner } from '../components/ui';

interface Filters {
  q: string;
  tag: string;
  from: string;
  to: string;
  radius: string;
}

const noFilters: Filters = { q: '', tag: '', from: '', to: '', radius: '' };

export function Discover() {
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [search, setSearch] = useState<EventSearch | null>(null);
  const [position, setPosition] = useState<{ lat: number; lon: number } | null>(null);
  const [geoError, setGeoError] = useState<string | null>(null);
  const recommended = useRecommendationsQuery({ limit: 12, ...(position ?? {}) });
  const results = useSearchEventsQuery(search ?? skipToken);

  const set = (key: keyof Filters) => (e: { target: { value: string } }) =>
    setFilters({ ...filters, [key]: e.target.value });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const query: EventSearch = { limit: 20 };
    if (filters.q.trim()) query.q = filters.q.trim();
    if (filters.tag.trim()) query.tag = filters.tag.trim().toLowerCase();
    if (filters.from) query.from = new Date(filters.from).toISOString();
    if (filters.to) query.to = new Date(`${filters.to}T23:59:59`).toISOString();
    if (filters.radius && position)
      Object.assign(query, { lat: position.lat, lon: position.lon, radius_km: Number(filters.radius) });
    setSearch(query);
  };

  const locate = () => {
    setGeoError(null);
    if (!navigator.geolocation) {
      setGeoError('This browser cannot share its location.');
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => setPosition({ lat: p.coords.latitude, lon: p.coords.longitude }),
      () => setGeoError('Location is not available; distance filters need it.'),
      { timeout: 8000 },
    );
  };

  return (
    <div className="page">
      <PageTitle>Discover</PageTitle>
      <section className="card search-card" aria-labelledby="search-heading">
        <h2 id="search-heading" className="section-title">
          Search events
        </h2>
        <form className="search-form" onSubmit={submit} role="search">
          <div className="field field-grow">
            <label htmlFor="q">Keywords</label>
            <input id="q" type="search" placeholder="rust, design, founders…" value={filters.q} onChange={set('q')} />
          </div>
          <div className="field">
            <label htmlFor="tag">Tag</label>
            <input id="tag" placeholder="e.g. ai" value={filters.tag} onChange={set('tag')} />
          </div>
          <div className="field">
            <label htmlFor="from">From</label>
            <input id="from" type="date" value={filters.from} onChange={set('from')} />
          </div>
          <div className="field">
            <label htmlFor="to">To</label>
            <input id="to" type="date" value={filters.to} onChange={set('to')} />
          </div>
          <div className="field">
            <label htmlFor="radius">Distance</label>
            <select id="radius" value={filters.radius} onChange={set('radius')}>
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
                  setFilters(noFilters);
                  setSearch(null);
                }}
              >
                Clear
              </button>
            )}
          </div>
        </form>
        <p className="hint">
          {position ? (
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
          {geoError ?? (filters.radius && !position && search ? 'Share your location to filter by distance.' : null)}
        </ErrorNote>
      </section>

      {search && (
        <section aria-labelledby="results-heading" className="section">
          <h2 id="results-heading" className="section-title">
            Results
          </h2>
          {results.isFetching && <Spinner label="Searching" />}
          {results.error && <ErrorNote>{errorMessage(results.error)}</ErrorNote>}
          {results.data && results.data.items.length === 0 && <Empty>No events match. Try fewer filters.</Empty>}
          <div className="grid" aria-live="polite">
            {results.data?.items.map((e) => (
              <EventCard key={e.id} event={e} />
            ))}
          </div>
        </section>
      )}

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
    </div>
  );
}
