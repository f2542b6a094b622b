import { RateTable, computeDebit, formatMoney, moneyAmount, parseMoney } from 'src/simulator/calls/billing';

describe('billing', () => {
  it('parses and formats decimal money exactly, in micro-units', () => {
    expect(parseMoney('0.0135')).toBe(13_500n);
    expect(parseMoney('12')).toBe(12_000_000n);
    expect(formatMoney(27_000n)).toBe('0.0270');
    expect(formatMoney(13_725n)).toBe('0.013725');
    expect(moneyAmount(27_000n)).toBe(0.027);
    expect(() => parseMoney('0.1234567')).toThrow(/at most 6 decimals/);
    expect(() => parseMoney('-1')).toThrow();
  });

  it('bills per started increment', () => {
    expect(computeDebit(13_500n, 61, 60)).toBe(27_000n);
    expect(computeDebit(13_500n, 60, 60)).toBe(13_500n);
    expect(computeDebit(13_500n, 1, 60)).toBe(13_500n);
    expect(computeDebit(13_500n, 0, 60)).toBe(0n);
    // Per-second billing of 61 s: 0.0135 * 61 / 60 = 0.013725, exact.
    expect(computeDebit(13_500n, 61, 1)).toBe(13_725n);
    // 0.01 * 7 / 60 = 0.0011666.. rounds up to the micro-unit.
    expect(computeDebit(10_000n, 7, 1)).toBe(1_167n);
  });

  it('adds 100 calls of 61 s without float drift', () => {
    let total = 0n;
    for (let i = 0; i < 100; i++) total += computeDebit(parseMoney('0.0135'), 61, 60);
    expect(formatMoney(total)).toBe('2.7000');
  });

  it('picks the rate of the longest matching prefix, else the catch-all', () => {
    const table = new RateTable([
      { prefix: '+1', perMinute: '0.0135' },
      { prefix: '+1800', perMinute: '0.0000' },
      { prefix: '+46', perMinute: '0.0200' },
      { prefix: '*', perMinute: '0.0700' },
    ]);
    expect(table.rateFor('+14045005001')).toEqual({ prefix: '+1', perMinuteMicro: 13_500n });
    expect(table.rateFor('+18005550100')).toEqual({ prefix: '+1800', perMinuteMicro: 0n });
    expect(table.rateFor('46701234567')).toEqual({ prefix: '+46', perMinuteMicro: 20_000n });
    expect(table.rateFor('+33123456789')).toEqual({ prefix: '', perMinuteMicro: 70_000n });
    expect(new RateTable([]).rateFor('+33123456789').perMinuteMicro).toBe(50_000n);
    expect(() => new RateTable([{ prefix: 'abc', perMinute: '1' }])).toThrow(/prefix/);
  });
});
