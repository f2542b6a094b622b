import { toDecimalString, toMoney } from 'src/sinch/sinch-money';

describe('toDecimalString', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [0.368, '0.368'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e-7, '0.0000001'],
    [1.5e21, '1500000000000000000000'],
    [-2.5, '-2.5'],
    [100, '100'],
  ])('converts the number %p to %p', (input, expected) => {
    expect(toDecimalString(input)).toBe(expected);
  });

  it.each([
    ['.03', '0.03'],
    ['0012.500', '12.5'],
    ['5.', '5'],
    ['-0.000', '0'],
    ['1.25e-3', '0.00125'],
    ['+7', '7'],
  ])('normalises the string %p to %p', (input, expected) => {
    expect(toDecimalString(input)).toBe(expected);
  });

  it.each([[NaN], [Infinity], ['abc'], [''], ['.'], ['1e999'], ['1,5']])('rejects %p', (input) => {
    expect(toDecimalString(input)).toBeUndefined();
  });
});

describe('toMoney', () => {
  it('maps { currencyId, amount } to { currency, amount }', () => {
    expect(toMoney({ currencyId: 'USD', amount: 0.368 })).toEqual({ currency: 'USD', amount: '0.368' });
  });

  it.each([[null], ['USD 1'], [{ currencyId: 'USD' }], [{ currencyId: '', amount: 1 }], [{ currencyId: 'USD', amount: true }]])('rejects %p', (input) => {
    expect(toMoney(input)).toBeUndefined();
  });
});
