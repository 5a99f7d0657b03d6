// What a look at a canary experiment says, in the numbers the operator's page shows: each arm's
// RSVPs per 1,000 impressions, each arm's impressions on one scale (the smaller arm is the one a
// decision waits on), and how far z has come toward the z a decision needs.

import type { ArmNumbers, ExperimentLook } from '../app/types';

/** One arm of an experiment: the version people are served now, or the canary. */
export type ArmName = 'control' | 'canary';

/** RSVPs per 1,000 impressions of an arm; null while it has not been shown. */
export function perThousand(arm: ArmNumbers): number | null {
  return arm.exposures > 0 ? (arm.successes / arm.exposures) * 1000 : null;
}

/** The arm shown less often (the canary on a tie: it is the one the share keeps small). */
export function smallerArm(look: Pick<ExperimentLook, 'control' | 'canary'>): ArmName {
  return look.control.exposures < look.canary.exposures ? 'control' : 'canary';
}

/** Each arm's impressions as a share of the larger arm's, so their bars are drawn to one scale. */
export function exposureShares(look: Pick<ExperimentLook, 'control' | 'canary'>): Record<ArmName, number> {
  const most = Math.max(look.control.exposures, look.canary.exposures);
  if (most <= 0) return { control: 0, canary: 0 };
  return { control: look.control.exposures / most, canary: look.canary.exposures / most };
}

/**
 * How far the primary metric's z has come toward the |z| a look needs, from 0 to 1, whichever way
 * it points (a canary can be shown better or worse).
 */
export function evidence(look: Pick<ExperimentLook, 'z' | 'z_needed'>): number {
  if (!(look.z_needed > 0) || !Number.isFinite(look.z)) return 0;
  return Math.min(1, Math.abs(look.z) / look.z_needed);
}
