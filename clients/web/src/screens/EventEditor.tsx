// Create an event, or edit one the user organizes.

import { FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { skipToken } from '@reduxjs/toolkit/query';
import { errorCode, useCreateEventMutation, useEventQuery, useUpdateEventMutation } from '../app/api';
import { useFieldProblems } from '../app/forms';
import type { EventInput, MingleEvent } from '../app/types';
import { fromZonedInput, knownZone, toLocalInput, toZonedInput, viewerTimeZone } from '../components/format';
import { ErrorNote, FieldProblem, PageTitle, Spinner, TagInput, TextField } from '../components/ui';
import { useTitle } from '../components/useTitle';

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
  city: string;
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
    city: '',
    lat: '',
    lon: '',
    onlineUrl: '',
    capacity: '',
    visibility: 'public',
  };
}

export function EventEditor() {
  const { t } = useTranslation();
  const { id } = useParams();
  const existing = useEventQuery(id ?? skipToken);
  useTitle(id ? existing.data && t('editor.editTitle', { title: existing.data.title }) : t('editor.create'));
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
    city: e.venue?.city ?? '',
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
/** The API's fields each part of the draft is sent as, whose problems editing it clears. */
const FIELDS: Record<keyof Draft, string[]> = {
  title: ['title'],
  description: ['description'],
  tags: ['tags'],
  timezone: ['timezone', 'starts_at', 'ends_at'],
  startsAt: ['starts_at', 'ends_at'],
  endsAt: ['ends_at'],
  venueName: ['venue.name', 'venue'],
  address: ['venue.address'],
  city: ['venue.city'],
  lat: ['venue.lat'],
  lon: ['venue.lon'],
  onlineUrl: ['online_url', 'venue'],
  capacity: ['capacity'],
  visibility: ['visibility'],
};

function EventForm({ id, initial }: { id?: string; initial?: Draft }) {
  const { t } = useTranslation();
  const [create, creating] = useCreateEventMutation();
  const [update, updating] = useUpdateEventMutation();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(() => initial ?? blank());
  const [error, setError] = useState<string | null>(null);
  /** This deployment asks organizers for two-step sign-in, and it is not on yet. */
  const [needsTwoStep, setNeedsTwoStep] = useState(false);
  const check = useFieldProblems();
  const { problems } = check;

  const set = (key: keyof Draft) => (e: { target: { value: string } }) => {
    setDraft({ ...draft, [key]: e.target.value });
    check.edited(...FIELDS[key]);
    setError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNeedsTwoStep(false);
    check.reset();
    const hasVenue = draft.venueName.trim() !== '';
    const body: EventInput = {
      title: draft.title.trim(),
      description: draft.description.trim(),
      tags: draft.tags.map((tag) => tag.toLowerCase()),
      starts_at: fromZonedInput(draft.startsAt, draft.timezone),
      ends_at: fromZonedInput(draft.endsAt, draft.timezone),
      timezone: draft.timezone,
      venue: hasVenue
        ? {
            name: draft.venueName.trim(),
            address: draft.address.trim(),
            city: draft.city.trim(),
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
      if (errorCode(err) === 'mfa_required_for_organizers') setNeedsTwoStep(true);
      else setError(check.fail(err, Object.values(FIELDS).flat()));
    }
  };

  return (
    <div className="page page-narrow">
      <p className="crumbs">
        <Link to={id ? `/events/${id}/manage` : '/organize'}>← {t('common.back')}</Link>
      </p>
      <PageTitle>{id ? t('editor.edit') : t('editor.create')}</PageTitle>
      <form className="card form" onSubmit={(e) => void submit(e)}>
        <TextField
          id="title"
          label={t('field.label.title')}
          field="title"
          check={check}
          required
          maxLength={200}
          value={draft.title}
          onChange={set('title')}
        />
        <div className="field">
          <label htmlFor="description">{t('field.label.description')}</label>
          <textarea
            id="description"
            rows={4}
            value={draft.description}
            onChange={set('description')}
            {...check.field('description', 'description-hint')}
          />
          <p className="hint" id="description-hint">
            {t('editor.markdownHint')}
          </p>
          <FieldProblem field="description" problems={problems} />
        </div>
        <TagInput
          label={t('field.label.tags')}
          value={draft.tags}
          onChange={(tags) => {
            setDraft({ ...draft, tags });
            check.edited('tags');
          }}
          placeholder={t('profile.tagPlaceholder')}
        />
        <FieldProblem field="tags" problems={problems} />
        <div className="form-row">
          <TextField
            id="starts_at"
            label={t('editor.starts')}
            field="starts_at"
            check={check}
            type="datetime-local"
            required
            value={draft.startsAt}
            onChange={set('startsAt')}
          />
          <TextField
            id="ends_at"
            label={t('editor.ends')}
            field="ends_at"
            check={check}
            type="datetime-local"
            required
            value={draft.endsAt}
            onChange={set('endsAt')}
          />
          <div className="field field-grow">
            <label htmlFor="timezone">{t('field.label.timezone')}</label>
            <select
              id="timezone"
              value={draft.timezone}
              onChange={set('timezone')}
              {...check.field('timezone', 'timezone-hint')}
            >
              {zones(draft.timezone).map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p className="hint" id="timezone-hint">
          {t('editor.timezoneHint')}
        </p>
        <fieldset className="field">
          <legend>{t('editor.venue')}</legend>
          <FieldProblem field="venue" problems={problems} />
          <div className="form-row">
            <TextField
              id="venue_name"
              label={t('editor.place')}
              field="venue.name"
              check={check}
              value={draft.venueName}
              onChange={set('venueName')}
            />
            <TextField
              id="address"
              label={t('editor.address')}
              field="venue.address"
              check={check}
              grow
              value={draft.address}
              onChange={set('address')}
            />
            <TextField
              id="city"
              label={t('editor.city')}
              field="venue.city"
              check={check}
              value={draft.city}
              maxLength={100}
              onChange={set('city')}
            />
          </div>
          <div className="form-row">
            <TextField
              id="lat"
              label={t('editor.latitude')}
              field="venue.lat"
              check={check}
              inputMode="decimal"
              value={draft.lat}
              onChange={set('lat')}
            />
            <TextField
              id="lon"
              label={t('editor.longitude')}
              field="venue.lon"
              check={check}
              inputMode="decimal"
              value={draft.lon}
              onChange={set('lon')}
            />
          </div>
        </fieldset>
        <div className="form-row">
          <TextField
            id="online_url"
            label={t('editor.onlineUrl')}
            field="online_url"
            check={check}
            grow
            type="url"
            value={draft.onlineUrl}
            onChange={set('onlineUrl')}
          />
          <TextField
            id="capacity"
            label={t('field.label.capacity')}
            field="capacity"
            check={check}
            type="number"
            min={1}
            placeholder={t('editor.noLimit')}
            value={draft.capacity}
            onChange={set('capacity')}
          />
          <div className="field">
            <label htmlFor="visibility">{t('editor.visibility')}</label>
            <select id="visibility" value={draft.visibility} onChange={set('visibility')}>
              <option value="public">{t('editor.public')}</option>
              <option value="unlisted">{t('editor.unlisted')}</option>
            </select>
          </div>
        </div>
        <ErrorNote>{error}</ErrorNote>
        {needsTwoStep && (
          <div className="error-note" role="alert" data-testid="needs-two-step">
            <p>{t('editor.needsTwoStep')}</p>
            <Link to="/account/security">{t('editor.setUpTwoStep')}</Link>
          </div>
        )}
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={creating.isLoading || updating.isLoading}>
            {id ? t('editor.saveChanges') : t('organize.create')}
          </button>
        </div>
      </form>
    </div>
  );
}
