// Create an event, or edit one the user organizes.

import { FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { skipToken } from '@reduxjs/toolkit/query';
import { errorMessage, useCreateEventMutation, useEventQuery, useUpdateEventMutation } from '../app/api';
import type { EventInput, MingleEvent } from '../app/types';
import { fromZonedInput, knownZone, toLocalInput, toZonedInput, viewerTimeZone } from '../components/format';
import { ErrorNote, PageTitle, Spinner, TagInput } from '../components/ui';

interface Draft {
  title: string;
  description: string;
  tags: string[];
  /** The IANA zone the event is held in; `startsAt` and `endsAt` are read on its clock. */
  timezone: string;
  startsAt: string;
  endsAt: string;
  venueName: string;
  address: string;
  lat: string;
  lon: string;
  onlineUrl: string;
  capacity: string;
  visibility: 'public' | 'unlisted';
}

function blank(): Draft {
  const start = new Date(Math.ceil(Date.now() / 3600_000) * 3600_000 + 24 * 3600_000);
  start.setHours(18, 0, 0, 0);
  const end = new Date(start.getTime() + 3 * 3600_000);
  return {
    title: '',
    description: '',
    tags: [],
    timezone: viewerTimeZone(),
    startsAt: toLocalInput(start),
    endsAt: toLocalInput(end),
    venueName: '',
    address: '',
    lat: '',
    lon: '',
    onlineUrl: '',
    capacity: '',
    visibility: 'public',
  };
}

export function EventEditor() {
  const { id } = useParams();
  const existing = useEventQuery(id ?? skipToken);
  if (!id) return <EventForm key="new" />;
  if (!existing.data) return <Spinner />;
  return <EventForm key={id} id={id} initial={draftOf(existing.data)} />;
}

function draftOf(e: MingleEvent): Draft {
  const timezone = knownZone(e.timezone) ? e.timezone : viewerTimeZone();
  return {
    title: e.title,
    description: e.description,
    tags: e.tags,
    timezone,
    startsAt: toZonedInput(new Date(e.starts_at), timezone),
    endsAt: toZonedInput(new Date(e.ends_at), timezone),
    venueName: e.venue?.name ?? '',
    address: e.venue?.address ?? '',
    lat: e.venue ? String(e.venue.lat) : '',
    lon: e.venue ? String(e.venue.lon) : '',
    onlineUrl: e.online_url ?? '',
    capacity: e.capacity == null ? '' : String(e.capacity),
    visibility: e.visibility,
  };
}

/** Every zone this browser knows, with the given one even when it is an alias missing from the list. */
function zones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return all.includes(current) ? all : [current, ...all];
}

/**
 * The form starts from `initial` (a blank event when there is none); later refetches of the event
 * do not overwrite what the user typed.
 */
function EventForm({ id, initial }: { id?: string; initial?: Draft }) {
  const [create, creating] = useCreateEventMutation();
  const [update, updating] = useUpdateEventMutation();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(() => initial ?? blank());
  const [error, setError] = useState<string | null>(null);

  const set = (key: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const hasVenue = draft.venueName.trim() !== '';
    const body: EventInput = {
      title: draft.title.trim(),
      description: draft.description.trim(),
      tags: draft.tags.map((t) => t.toLowerCase()),
      starts_at: fromZonedInput(draft.startsAt, draft.timezone),
      ends_at: fromZonedInput(draft.endsAt, draft.timezone),
      timezone: draft.timezone,
      venue: hasVenue
        ? {
            name: draft.venueName.trim(),
            address: draft.address.trim(),
            lat: Number(draft.lat || 0),
            lon: Number(draft.lon || 0),
          }
        : null,
      online_url: draft.onlineUrl.trim() || null,
      capacity: draft.capacity ? Number(draft.capacity) : null,
      visibility: draft.visibility,
    };
    try {
      const saved = id ? await update({ id, patch: body }).unwrap() : await create(body).unwrap();
      void navigate(`/events/${saved.id}/manage`);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div className="page page-narrow">
      <p className="crumbs">
        <Link to={id ? `/events/${id}/manage` : '/organize'}>← Back</Link>
      </p>
      <PageTitle>{id ? 'Edit event' : 'Create an event'}</PageTitle>
      <form className="card form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="title">Title</label>
          <input id="title" required maxLength={200} value={draft.title} onChange={set('title')} />
        </div>
        <div className="field">
          <label htmlFor="description">Description</label>
          <textarea
            id="description"
            rows={4}
            value={draft.description}
            onChange={set('description')}
            aria-describedby="description-hint"
          />
          <p className="hint" id="description-hint">
            Markdown works: **bold**, *italics*, lists with -, [links](https://example.com).
          </p>
        </div>
        <TagInput
          label="Tags"
          value={draft.tags}
          onChange={(tags) => setDraft({ ...draft, tags })}
          placeholder="Type and press Enter"
        />
        <div className="form-row">
          <div className="field">
            <label htmlFor="starts_at">Starts</label>
            <input id="starts_at" type="datetime-local" required value={draft.startsAt} onChange={set('startsAt')} />
          </div>
          <div className="field">
            <label htmlFor="ends_at">Ends</label>
            <input id="ends_at" type="datetime-local" required value={draft.endsAt} onChange={set('endsAt')} />
          </div>
          <div className="field field-grow">
            <label htmlFor="timezone">Time zone</label>
            <select id="timezone" value={draft.timezone} onChange={set('timezone')} aria-describedby="timezone-hint">
              {zones(draft.timezone).map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p className="hint" id="timezone-hint">
          Starts and Ends are read on this clock. Attendees see an in-person event's times on it too; an online-only
          event shows on each attendee's own clock.
        </p>
        <fieldset className="field">
          <legend>Venue (optional)</legend>
          <div className="form-row">
            <div className="field">
              <label htmlFor="venue_name">Place</label>
              <input id="venue_name" value={draft.venueName} onChange={set('venueName')} />
            </div>
            <div className="field field-grow">
              <label htmlFor="address">Address</label>
              <input id="address" value={draft.address} onChange={set('address')} />
            </div>
          </div>
          <div className="form-row">
            <div className="field">
              <label htmlFor="lat">Latitude</label>
              <input id="lat" inputMode="decimal" value={draft.lat} onChange={set('lat')} />
            </div>
            <div className="field">
              <label htmlFor="lon">Longitude</label>
              <input id="lon" inputMode="decimal" value={draft.lon} onChange={set('lon')} />
            </div>
          </div>
        </fieldset>
        <div className="form-row">
          <div className="field field-grow">
            <label htmlFor="online_url">Online link (optional)</label>
            <input id="online_url" type="url" value={draft.onlineUrl} onChange={set('onlineUrl')} />
          </div>
          <div className="field">
            <label htmlFor="capacity">Capacity</label>
            <input
              id="capacity"
              type="number"
              min={1}
              placeholder="No limit"
              value={draft.capacity}
              onChange={set('capacity')}
            />
          </div>
          <div className="field">
            <label htmlFor="visibility">Visibility</label>
            <select id="visibility" value={draft.visibility} onChange={set('visibility')}>
              <option value="public">Public</option>
              <option value="unlisted">Unlisted</option>
            </select>
          </div>
        </div>
        <ErrorNote>{error}</ErrorNote>
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={creating.isLoading || updating.isLoading}>
            {id ? 'Save changes' : 'Create event'}
          </button>
        </div>
      </form>
    </div>
  );
}
