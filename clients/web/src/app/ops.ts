// The operator's side of the API: `GET /ops/analytics`, the model registry at `GET /ops/models`
// and the forced end of a kind's canary experiment, with the deployment's operator token
// (MINGLE_OPS_TOKEN), never a person's. These endpoints join the app's API only once the operator
// screen loads, and ask the server directly: the app's own requests add the person's token and
// refresh their session after a 401, which an operator's wrong token must not do.
//
// The token is kept for this tab only (sessionStorage), until it closes or the operator forgets it.

import type { FetchBaseQueryError } from '@reduxjs/toolkit/query';
import { api } from './api';
import type { ExperimentDecision, ModelRegistry, PlatformAnalytics } from './types';

/** Where the operator token waits while the tab is open. */
const TOKEN_KEY = 'mingle.opsToken';

/** The periods the dashboard offers, in days. */
export const PERIODS = [7, 30, 90] as const;
export type Period = (typeof PERIODS)[number];

/** The operator token this tab keeps; null when none (or no storage). */
export function keptOpsToken(storage: Pick<Storage, 'getItem'> | undefined = globalThis.sessionStorage): string | null {
  try {
    return storage?.getItem(TOKEN_KEY) || null;
  } catch {
    return null;
  }
}

/** Keeps `token` for this tab, or forgets it with null. */
export function keepOpsToken(
  token: string | null,
  storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined = globalThis.sessionStorage,
): void {
  try {
    if (token) storage?.setItem(TOKEN_KEY, token);
    else storage?.removeItem(TOKEN_KEY);
  } catch {
    // No storage: the token lasts as long as the page.
  }
}

/** How an operator ends a canary experiment early. */
export type ForcedVerdict = 'promote' | 'rollback';

/**
 * The kinds of model the server rolls out by canary experiment, at most one experiment each: the
 * recommender (events picked for someone) and the matcher's weight sets ("People to meet").
 */
export const MODEL_KINDS = ['recommender', 'matcher'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/**
 * Asks the server for `path` with the operator token. An error reads as the app's others do
 * (`{ status, data }`), so `errorMessage` says it.
 */
async function opsRequest<T>(
  path: string,
  token: string,
  init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {},
): Promise<{ data: T } | { error: FetchBaseQueryError }> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
  } catch (error) {
    return { error: { status: 'FETCH_ERROR', error: String(error) } };
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) return { error: { status: response.status, data: body } };
  return { data: body as T };
}

export const opsApi = api.enhanceEndpoints({ addTagTypes: ['Models'] }).injectEndpoints({
  endpoints: (build) => ({
    platformAnalytics: build.query<PlatformAnalytics, { token: string; days: Period }>({
      queryFn: ({ token, days }) => opsRequest<PlatformAnalytics>(`/ops/analytics?days=${days}`, token),
      // Nothing is kept once the screen is left: the token is part of what the cache would keep.
      keepUnusedDataFor: 0,
    }),
    /**
     * The recommender's versions and the matcher's weight sets, the canary experiments running
     * and the decisions that ended the last ones.
     */
    modelRegistry: build.query<ModelRegistry, { token: string }>({
      queryFn: ({ token }) => opsRequest<ModelRegistry>('/ops/models', token),
      providesTags: ['Models'],
      keepUnusedDataFor: 0,
    }),
    /**
     * Ends the canary experiment of `kind` now. The registry is read again either way: after a
     * refusal (`no_experiment`) it is out of date too.
     */
    forceDecision: build.mutation<ExperimentDecision, { token: string; kind: ModelKind; verdict: ForcedVerdict }>({
      queryFn: ({ token, kind, verdict }) =>
        opsRequest<ExperimentDecision>(`/ops/models/${kind}/${verdict}`, token, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
      invalidatesTags: ['Models'],
    }),
  }),
});

export const { usePlatformAnalyticsQuery, useModelRegistryQuery, useForceDecisionMutation } = opsApi;
