import { calloutLimiter } from './callout-pacing';

describe('calloutLimiter', () => {
  it.each([
    [10, { max: 1, duration: 100 }],
    [1, { max: 1, duration: 1000 }],
    [0.5, { max: 1, duration: 2000 }],
    [3, { max: 1, duration: 333 }],
    [25, { max: 3, duration: 120 }],
    [1000, { max: 100, duration: 100 }],
  ])('%p per second → %j', (perSecond, expected) => {
    expect(calloutLimiter(perSecond)).toEqual(expected);
  });

  it('keeps the configured rate within 2% at any setting', () => {
    for (const perSecond of [0.1, 0.7, 2, 7, 13, 33, 99, 150, 777, 5000]) {
      const { max, duration } = calloutLimiter(perSecond);
      expect(Math.abs((max * 1000) / duration - perSecond) / perSecond).toBeLessThan(0.02);
    }
  });

  it('rejects a rate that is not positive', () => {
    expect(() => calloutLimiter(0)).toThrow(/positive/);
  });
});
