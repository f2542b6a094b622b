import { percentOf } from './percent';

// A budget's use as the console shows it: exact decimal maths on the API's strings, one decimal, rounded down.
describe('percentOf (budget spent / limit)', () => {
  it('is exact where floats are not', () => {
    expect(percentOf('0', '100')).toBe('0.0 %');
    expect(percentOf('0.3', '0.1')).toBe('300.0 %'); // 0.3 / 0.1 is 2.9999999999999996 in floats
    expect(percentOf('33.333333', '100')).toBe('33.3 %');
    expect(percentOf('0.000001', '0.01')).toBe('0.0 %');
    expect(percentOf('0.05', '0.01')).toBe('500.0 %');
    expect(percentOf('123456789012.5', '246913578025')).toBe('50.0 %');
  });

  it('has no percent of a zero limit', () => {
    expect(percentOf('1', '0.000000')).toBe('—');
  });
});
