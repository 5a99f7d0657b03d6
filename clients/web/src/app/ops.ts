// The operator's side of the API: `GET /ops/analytics` with the deployment's operator token
// (MINGLE_OPS_TOKEN), never a person's. Its endpoint joins the app's API only once the operator
// screen loads, and asks the server directly: the app's own requests add the person's token and
// refresh their session after a 401, which an operator's wrong token must not do.
//
// The token is kept for this tab only (sessionStorage), until it closes or the operator forgets it.

import type { FetchBaseQueryError } from '@reduxjs/toolkit/query';
import { api } from './api';
import type { PlatformAnalytics } from './types';

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

const opsApi = api.injectEndpoints({
  endpoints: (build) => ({
    platformAnalytics: build.query<PlatformAnalytics, { token: string; days: Period }>({
      // An error reads as the app's others do (`{ status, data }`), so `errorMessage` says it.
      async queryFn({ token, days }) {
        let response: Response;
        try {
          response = await fetch(`/ops/analytics?days=${days}`, { headers: { authorization: `Bearer ${token}` } });
        } catch (error) {
          return { error: { status: 'FETCH_ERROR', error: String(error) } satisfies FetchBaseQueryError };
        }
        const body: unknown = await response.json().catch(() => null);
        if (!response.ok) return { error: { status: response.status, data: body } satisfies FetchBaseQueryError };
        return { data: body as PlatformAnalytics };
      },
      // Nothing is kept once the screen is left: the token is part of what the cache would keep.
      keepUnusedDataFor: 0,
    }),
  }),
});

export const { usePlatformAnalyticsQuery } = opsApi;
