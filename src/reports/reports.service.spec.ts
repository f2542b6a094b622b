import { divideDecimal } from './reports.service';

describe('divideDecimal', () => {
  it('divides exactly and rounds half up to 6 places', () => {
    expect(divideDecimal('1', 4)).toBe('0.25');
    expect(divideDecimal('0.4456', 4)).toBe('0.1114');
    expect(divideDecimal('0.5', 3)).toBe('0.166667');
    expect(divideDecimal('1', 3)).toBe('0.333333');
    expect(divideDecimal('123456789012.123456', 1)).toBe('123456789012.123456');
    expect(divideDecimal('0.0000005', 1)).toBe('0.000001');
    expect(divideDecimal('0', 7)).toBe('0');
    expect(divideDecimal('-1', 3)).toBe('-0.333333');
  });
});
