// The user's profile: what matchmaking reads (interests, what they seek and offer), who may see
// it, the matchmaking opt-in, and the people they blocked; the way to the account's security.

import { FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router-dom';
import { errorMessage, useBlocksQuery, useMeQuery, useUnblockMutation, useUpdateMeMutation } from '../app/api';
import type { Block, Me, ProfileVisibility } from '../app/types';
import { eventTime } from '../components/format';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { NotificationSetting } from '../components/NotificationSetting';
import { Empty, ErrorNote, PageTitle, Spinner, TagInput } from '../components/ui';
import { useTitle } from '../components/useTitle';

type Draft = Pick<
  Me,
  'display_name' | 'headline' | 'bio' | 'interests' | 'seeking' | 'offering' | 'visibility' | 'matchmaking'
>;

export function ProfileEditor() {
  const { t } = useTranslation();
  useTitle(t('profile.title'));
  const me = useMeQuery();
  if (!me.data) return <Spinner />;
  return <ProfileForm me={me.data} />;
}

/** The form starts from the profile as loaded; later refetches do not overwrite what the user typed. */
function ProfileForm({ me }: { me: Me }) {
  const { t } = useTranslation();
  const visibilities: { value: ProfileVisibility; label: string; hint: string }[] = [
    { value: 'public', label: t('profile.visibility.public'), hint: t('profile.visibility.publicHint') },
    { value: 'attendees', label: t('profile.visibility.attendees'), hint: t('profile.visibility.attendeesHint') },
    { value: 'hidden', label: t('profile.visibility.hidden'), hint: t('profile.visibility.hiddenHint') },
  ];
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
      <PageTitle>{welcome ? t('profile.welcome') : t('profile.title')}</PageTitle>
      <form className="card form" onSubmit={(e) => void submit(e)}>
        <div className="form-row">
          <div className="field">
            <label htmlFor="display_name">{t('profile.name')}</label>
            <input
              id="display_name"
              value={draft.display_name}
              onChange={(e) => set('display_name', e.target.value)}
              required
            />
          </div>
          <div className="field field-grow">
            <label htmlFor="headline">{t('profile.headline')}</label>
            <input
              id="headline"
              value={draft.headline}
              placeholder={t('profile.headlinePlaceholder')}
              onChange={(e) => set('headline', e.target.value)}
            />
          </div>
        </div>
        <div className="field">
          <label htmlFor="bio">{t('profile.bio')}</label>
          <textarea id="bio" rows={3} value={draft.bio} onChange={(e) => set('bio', e.target.value)} />
        </div>
        <TagInput
          label={t('profile.interests')}
          value={draft.interests}
          onChange={(v) => set('interests', v)}
          placeholder={t('profile.tagPlaceholder')}
          hint={t('profile.interestsHint')}
        />
        <TagInput
          label={t('profile.seeking')}
          value={draft.seeking}
          onChange={(v) => set('seeking', v)}
          placeholder={t('profile.seekingPlaceholder')}
        />
        <TagInput
          label={t('profile.offering')}
          value={draft.offering}
          onChange={(v) => set('offering', v)}
          placeholder={t('profile.offeringPlaceholder')}
        />
        <fieldset className="field">
          <legend>{t('profile.visibility.legend')}</legend>
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
            <strong>{t('profile.matchmaking')}</strong>
            <span className="muted small">{t('profile.matchmakingHint')}</span>
          </span>
        </label>
        <ErrorNote>{error}</ErrorNote>
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={updating.isLoading}>
            {t('profile.save')}
          </button>
          <span role="status" className="saved">
            {saved ? t('profile.saved') : ''}
          </span>
        </div>
      </form>
      <section className="card" aria-labelledby="account-heading">
        <h2 id="account-heading" className="section-title">
          {t('security.title')}
        </h2>
        <p className="hint">{t('profile.accountHint')}</p>
        <div className="button-row">
          <Link className="button button-secondary" to="/account/security">
            {t('profile.accountLink')}
          </Link>
        </div>
      </section>
      <section className="card" aria-labelledby="language-heading">
        <h2 id="language-heading" className="section-title">
          {t('language.title')}
        </h2>
        <LanguageSwitch />
      </section>
      <NotificationSetting />
      <Blocks />
    </div>
  );
}

function Blocks() {
  const { t } = useTranslation();
  const blocks = useBlocksQuery();
  return (
    <section className="card" aria-labelledby="blocks-heading">
      <h2 id="blocks-heading" className="section-title">
        {t('profile.blocked.title')}
      </h2>
      <p className="hint">{t('profile.blocked.hint')}</p>
      {blocks.data?.items.length === 0 && <Empty>{t('profile.blocked.none')}</Empty>}
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
  const { t } = useTranslation();
  const [unblock, unblocking] = useUnblockMutation();
  const when = eventTime(block.created_at);
  return (
    <li className="person person-row">
      <span>
        {block.display_name} <span className="muted small">{t('profile.blocked.on', { when })}</span>
      </span>
      <button
        type="button"
        className="button button-ghost button-small"
        disabled={unblocking.isLoading}
        onClick={() => void unblock(block.user_id)}
        aria-label={t('profile.blocked.unblockWith', { name: block.display_name })}
      >
        {t('profile.blocked.unblock')}
      </button>
    </li>
  );
}
