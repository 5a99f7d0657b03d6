// Reconnect delays: exponential growth with "equal jitter", so that a crowd of clients cut off
// together (a server restart, a venue's Wi-Fi) does not come back in lockstep.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

/** The delay before reconnect attempt `attempt` (0-based): half the capped exponential step,
 *  plus a random share of the other half. */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + random() * (step / 2));
}
