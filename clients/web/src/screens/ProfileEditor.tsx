// The user's profile: what matchmaking reads (interests, what they seek and offer), who may see
// it, the matchmaking opt-in, and the people they blocked.

import { FormEvent, useState } from 'react';
import { useLocation } from 'react-router-dom';
import { errorMessage, useBlocksQuery, useMeQuery, useUnblockMutation, useUpdateMeMutation } from '../app/api';
import type { Block, Me, ProfileVisibility } from '../app/types';
import { eventTime } from '../components/format';
import { NotificationSetting } from '../components/NotificationSetting';
import { Empty, ErrorNote, PageTitle, Spinner, TagInput } from '../components/ui';

const visibilities: { value: ProfileVisibility; label: string; hint: string }[] = [
  { value: 'public', label: 'Public', hint: 'Anyone signed in can see your profile.' },
  { value: 'attendees', label: 'Attendees', hint: 'Only people at the same events.' },
  { value: 'hidden', label: 'Hidden', hint: 'Nobody; you are never suggested.' },
];

type Draft = Pick<
  Me,
  'display_name' | 'headline' | 'bio' | 'interests' | 'seeking' | 'offering' | 'visibility' | 'matchmaking'
>;

export function ProfileEditor() {
  const me = useMeQuery();
  if (!me.data) return <Spinner />;
  return <ProfileForm me={me.data} />;
}

/** The form starts from the profile as loaded; later refetches do not overwrite what the user typed. */
function ProfileForm({ me }: { me: Me }) {
  const [update, updating] = useUpdateMeMutation();
  const location = useLocation();
  const welcome = (location.state as { welcome?: boolean } | null)?.welcome;
  const [draft, setDraft] = useState<Draft>(() => {
    const { display_name, headline, bio, interests, seeking, offering, visibility, matchmaking } = me;
    return { display_name, headline, bio, interests, seeking, offering, visibility, matchmaking };
  });
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setSaved(false);
    setDraft({ ...draft, [key]: value });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await update(draft).unwrap();
      setSaved(true);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div className="page page-narrow">
      <PageTitle>{welcome ? 'Welcome! Tell people about you' : 'Your profile'}</PageTitle>
      <form className="card form" onSubmit={(e) => void submit(e)}>
        <div className="form-row">
          <div className="field">
            <label htmlFor="display_name">Name</label>
            <input
              id="display_name"
              value={draft.display_name}
              onChange={(e) => set('display_name', e.target.value)}
              required
            />
          </div>
          <div className="field field-grow">
            <label htmlFor="headline">Headline</label>
            <input
              id="headline"
              value={draft.headline}
              placeholder="Backend engineer at a fintech"
              onChange={(e) => set('headline', e.target.value)}
            />
          </div>
        </div>
        <div className="field">
          <label htmlFor="bio">About you</label>
          <textarea id="bio" rows={3} value={draft.bio} onChange={(e) => set('bio', e.target.value)} />
        </div>
        <TagInput
          label="Interests"
          value={draft.interests}
          onChange={(v) => set('interests', v)}
          placeholder="Type and press Enter"
          hint="Topics you care about; they shape your event picks and suggestions."
        />
        <TagInput
          label="Looking for"
          value={draft.seeking}
          onChange={(v) => set('seeking', v)}
          placeholder="e.g. a cofounder, Rust mentoring"
        />
        <TagInput
          label="Can offer"
          value={draft.offering}
          onChange={(v) => set('offering', v)}
          placeholder="e.g. design reviews, intros to investors"
        />
        <fieldset className="field">
          <legend>Who can see your profile</legend>
          <div className="radio-cards">
            {visibilities.map((v) => (
              <label key={v.value} className="radio-card">
                <input
                  type="radio"
                  name="visibility"
                  value={v.value}
                  checked={draft.visibility === v.value}
                  onChange={() => set('visibility', v.value)}
                />
                <span>
                  <strong>{v.label}</strong>
                  <span className="muted small">{v.hint}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <label className="switch">
          <input type="checkbox" checked={draft.matchmaking} onChange={(e) => set('matchmaking', e.target.checked)} />
          <span>
            <strong>Matchmaking</strong>
            <span className="muted small">Suggest people for me to meet at events, and suggest me to them.</span>
          </span>
        </label>
        <ErrorNote>{error}</ErrorNote>
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={updating.isLoading}>
            Save profile
          </button>
          <span role="status" className="saved">
            {saved ? 'Saved.' : ''}
          </span>
        </div>
      </form>
      <NotificationSetting />
      <Blocks />
    </div>
  );
}

function Blocks() {
  const blocks = useBlocksQuery();
  return (
    <section className="card" aria-labelledby="blocks-heading">
      <h2 id="blocks-heading" className="section-title">
        Blocked people
      </h2>
      <p className="hint">
        Blocked people never see you, message you or get suggested to you. Block someone from their card in a live room.
      </p>
      {blocks.data?.items.length === 0 && <Empty>You have not blocked anyone.</Empty>}
      <ul className="people">
        {blocks.data?.items.map((b) => (
          <BlockedPerson key={b.user_id} block={b} />
        ))}
      </ul>
    </section>
  );
}

// The list names nobody: it carries ids alone, and a blocked person's profile is not visible to
// the one who blocked them (`GET /users/{id}` answers 404), so the date tells entries apart.
function BlockedPerson({ block }: { block: Block }) {
  const [unblock, unblocking] = useUnblockMutation();
  const when = eventTime(block.created_at);
  return (
    <li className="person person-row">
      <span>
        {block.display_name} <span className="muted small">blocked on {when}</span>
      </span>
      <button
        type="button"
        className="button button-ghost button-small"
        disabled={unblocking.isLoading}
        onClick={() => void unblock(block.user_id)}
        aria-label={`Unblock ${block.display_name}`}
      >
        Unblock
      </button>
    </li>
  );
}
