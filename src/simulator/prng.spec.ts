import { SeededStreams, createIdGenerator, mulberry32 } from 'src/simulator/prng';

describe('prng', () => {
  it('is deterministic per seed and spreads over [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it('makes UUID-shaped ids, the same per seed, with independent streams', () => {
    const id = createIdGenerator(mulberry32(1))();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const one = new SeededStreams(99);
    const two = new SeededStreams(99);
    two.faultRoll();
    two.reference();
    expect(two.callId()).toBe(one.callId());
    expect(new SeededStreams(100).callId()).not.toBe(new SeededStreams(99).callId());
  });
});
