import { flaggedNumbers, pickLocal } from './caller-id-pick';

const pool = [
  { number: '+14045001000', country: 'US' },
  { number: '+14045001001', country: 'US' },
  { number: '+14155001000', country: 'US' },
  { number: '+46101234567', country: 'SE' },
];

describe('caller-id pick', () => {
  it("prefers the callee's area code (NANP), then country, then any, round-robin within the group", () => {
    expect(pickLocal(pool, { e164: '+14045559999', country: 'US' }, 0)).toEqual({ cli: '+14045001000', match: 'area_code' });
    expect(pickLocal(pool, { e164: '+14045559999', country: 'US' }, 1)).toEqual({ cli: '+14045001001', match: 'area_code' });
    expect(pickLocal(pool, { e164: '+14045559999', country: 'US' }, 2)).toEqual({ cli: '+14045001000', match: 'area_code' });
    expect(pickLocal(pool, { e164: '+12125559999', country: 'US' }, 2)).toEqual({ cli: '+14155001000', match: 'country' });
    expect(pickLocal(pool, { e164: '+46701234567', country: 'SE' }, 5)).toEqual({ cli: '+46101234567', match: 'country' });
    expect(pickLocal(pool, { e164: '+447400123456', country: 'GB' }, 3)).toEqual({ cli: '+46101234567', match: 'any' });
    expect(pickLocal([], { e164: '+447400123456', country: 'GB' }, 0)).toBeUndefined();
  });

  it("flags numbers far below the pool's median answer rate, ignoring those with too few calls", () => {
    const stats = new Map([
      ['+1a', { calls: 40, answered: 24 }],
      ['+1b', { calls: 40, answered: 20 }],
      ['+1c', { calls: 40, answered: 4 }],
      ['+1d', { calls: 5, answered: 0 }],
    ]);
    const { median, flagged } = flaggedNumbers(stats, { minCalls: 20, ratio: 0.5 });
    expect(median).toBe(0.5);
    expect([...flagged]).toEqual(['+1c']);
    expect(flaggedNumbers(new Map([['+1c', { calls: 40, answered: 4 }]]), { minCalls: 20, ratio: 0.5 }).flagged.size).toBe(0);
  });
});
