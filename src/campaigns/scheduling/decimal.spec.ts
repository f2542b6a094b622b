import { compareDecimal } from 'src/campaigns/scheduling/decimal';

describe('compareDecimal', () => {
  it.each([
    ['1', '1.000000', 0],
    ['250.5', '250.500001', -1],
    ['999999999999.999999', '999999999999.999998', 1],
    ['0.1', '0.09', 1],
    ['10', '9.999999', 1],
  ] as const)('%s vs %s → %d', (a, b, expected) => {
    expect(compareDecimal(a, b)).toBe(expected);
  });
});
