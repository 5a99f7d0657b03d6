import { describe, expect, it } from 'vitest';
import { evidence, exposureShares, perThousand, smallerArm } from './experiment';

const look = (control: [number, number], canary: [number, number]) => ({
  control: { exposures: control[0], successes: control[1] },
  canary: { exposures: canary[0], successes: canary[1] },
});

describe('a look at a canary experiment', () => {
  it('says each arm’s RSVPs per 1,000 impressions, and nothing for an arm not shown yet', () => {
    expect(perThousand({ exposures: 12_000, successes: 360 })).toBe(30);
    expect(perThousand({ exposures: 1_500, successes: 61 })).toBeCloseTo(40.67, 2);
    expect(perThousand({ exposures: 0, successes: 0 })).toBeNull();
  });

  it('names the arm a decision waits on and draws both arms to one scale', () => {
    const tenPercent = look([9_000, 270], [1_000, 40]);
    expect(smallerArm(tenPercent)).toBe('canary');
    expect(exposureShares(tenPercent)).toEqual({ control: 1, canary: 1_000 / 9_000 });
    expect(smallerArm(look([400, 10], [600, 20]))).toBe('control');
    expect(smallerArm(look([500, 10], [500, 20]))).toBe('canary');
    expect(exposureShares(look([0, 0], [0, 0]))).toEqual({ control: 0, canary: 0 });
  });

  it('measures z against the z a decision needs, either way, up to all of it', () => {
    expect(evidence({ z: 1.4, z_needed: 2.8 })).toBeCloseTo(0.5);
    expect(evidence({ z: -2.1, z_needed: 2.8 })).toBeCloseTo(0.75);
    expect(evidence({ z: 5.4, z_needed: 2.8 })).toBe(1);
    expect(evidence({ z: 0, z_needed: 0 })).toBe(0);
    expect(evidence({ z: Number.NaN, z_needed: 2.8 })).toBe(0);
  });
});
