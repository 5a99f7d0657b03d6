// The operator's dashboard at /operator, outside the app's own frame: an operator need not have
// an account. It asks for the deployment's operator token (kept for this tab only, until it is
// forgotten), then shows the platform over the last 7, 30 or 90 days, and under it the models
// (the recommender's and the matcher's weight sets) and their canary experiments.

import { FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { skipToken } from '@reduxjs/toolkit/query';
import { errorMessage } from '../app/api';
import { keepOpsToken, keptOpsToken, type Period, PERIODS, usePlatformAnalyticsQuery } from '../app/ops';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { ModelRollout } from '../components/ModelRollout';
import {
  ActivePeople,
  CohortRetention,
  DailyVolume,
  MatcherWeights,
  PipelineStatus,
  RecommenderVersions,
} from '../components/PlatformCharts';
import { ErrorNote, PageTitle, Spinner } from '../components/ui';
import { useTitle } from '../components/useTitle';

export function OperatorDashboard() {
  const { t } = useTranslation();
  useTitle(t('operator.title'));
  const [token, setToken] = useState<string | null>(() => keptOpsToken());
  const [days, setDays] = useState<Period>(30);
  const analytics = usePlatformAnalyticsQuery(token ? { token, days } : skipToken);
  const status = analytics.error && 'status' in analytics.error ? analytics.error.status : null;
  const refused = status === 401;

  // The token is kept once the server has taken it, and forgotten once it refuses it.
  useEffect(() => {
    if (token && analytics.data) keepOpsToken(token);
    if (refused) keepOpsToken(null);
  }, [token, analytics.data, refused]);

  const open = (given: string) => {
    if (given === token) void analytics.refetch();
    else setToken(given);
  };
  const forget = () => {
    keepOpsToken(null);
    setToken(null);
  };

  const data = !refused ? analytics.data : undefined;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <span className="brand">
            <img src="/favicon.svg" alt="" width="28" height="28" />
            <span>Mingle</span>
          </span>
          <span className="ops-badge">{t('operator.badge')}</span>
          <div className="topbar-end">
            <LanguageSwitch compact />
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <div className="page page-wide">
          <PageTitle
            actions={
              token &&
              !refused && (
                <>
                  {data && <PeriodChoice days={days} onChange={setDays} />}
                  <button type="button" className="button button-secondary" onClick={forget}>
                    {t('operator.forget')}
                  </button>
                </>
              )
            }
          >
            {t('operator.title')}
          </PageTitle>
          {(!token || refused) && (
            <TokenForm busy={analytics.isFetching} problem={refused ? t('operator.wrongToken') : null} onOpen={open} />
          )}
          {token && !refused && analytics.isFetching && !data && <Spinner />}
          {token && !refused && analytics.error && <ErrorNote>{errorMessage(analytics.error)}</ErrorNote>}
          {data && (
            <>
              <p className="meta">{t('operator.period', { count: data.days })}</p>
              <div className="ops-grid" aria-busy={analytics.isFetching}>
                <ActivePeople active={data.active} />
                <DailyVolume volume={data.volume} />
                <PipelineStatus pipeline={data.pipeline} />
                <CohortRetention cohorts={data.cohorts} />
                <RecommenderVersions recommenders={data.recommenders} />
                <MatcherWeights matchers={data.matchers} />
              </div>
              {token && <ModelRollout token={token} />}
            </>
          )}
        </div>
      </main>
    </div>
  );
}

/** The operator token, asked for once per tab; a refused one is said under the field. */
function TokenForm({
  busy,
  problem,
  onOpen,
}: {
  busy: boolean;
  problem: string | null;
  onOpen: (token: string) => void;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onOpen(value.trim());
  };
  return (
    <section className="card ops-token" aria-labelledby="ops-token-heading">
      <h2 id="ops-token-heading" className="section-title">
        {t('operator.signIn')}
      </h2>
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="ops-token">{t('operator.token')}</label>
          <input
            id="ops-token"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? 'ops-token-hint ops-token-problem' : 'ops-token-hint'}
          />
          <p className="hint" id="ops-token-hint">
            {t('operator.tokenHint')}
          </p>
          {problem && (
            <p className="field-problem" id="ops-token-problem" role="alert">
              {problem}
            </p>
          )}
        </div>
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy || !value.trim()}>
            {t('operator.open')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The period shown: the last 7, 30 or 90 days. */
function PeriodChoice({ days, onChange }: { days: Period; onChange: (days: Period) => void }) {
  const { t } = useTranslation();
  return (
    <div className="field ops-period">
      <label htmlFor="ops-days">{t('operator.periodLabel')}</label>
      <select id="ops-days" value={days} onChange={(e) => onChange(Number(e.target.value) as Period)}>
        {PERIODS.map((n) => (
          <option key={n} value={n}>
            {t('operator.lastDays', { count: n })}
          </option>
        ))}
      </select>
    </div>
  );
}
