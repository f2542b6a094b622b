import { isE164, normalizePhoneNumber } from 'src/common/phone-number';

describe('isE164', () => {
  it.each(['+46701234567', '+12025550123', '+4412'])('accepts %p', (s) => {
    expect(isE164(s)).toBe(true);
  });

  it.each(['46701234567', '+046701234567', '+1234567890123456', '+46 70 123 45 67', '', '+', '+46-70'])('rejects %p', (s) => {
    expect(isE164(s)).toBe(false);
  });
});

describe('normalizePhoneNumber', () => {
  it('normalises an international number and reports its country', () => {
    expect(normalizePhoneNumber('+46 70-123 45 67')).toEqual({ e164: '+46701234567', country: 'SE' });
    expect(normalizePhoneNumber('+1 (202) 555-0123')).toEqual({ e164: '+12025550123', country: 'US' });
  });

  it('uses the default country for national numbers', () => {
    expect(normalizePhoneNumber('070-123 45 67', 'SE')).toEqual({ e164: '+46701234567', country: 'SE' });
    expect(normalizePhoneNumber('020 7946 0018', 'GB')).toEqual({ e164: '+442079460018', country: 'GB' });
    expect(normalizePhoneNumber('0049 30 901820', 'SE')).toEqual({ e164: '+4930901820', country: 'DE' });
  });

  it('needs a country for a national number', () => {
    expect(normalizePhoneNumber('070-123 45 67')).toBeNull();
  });

  it('applies strict validity, not just length', () => {
    // A possible length for NANP, but 555 is not an assigned area code.
    expect(normalizePhoneNumber('+1 555 555 0123')).toBeNull();
    expect(normalizePhoneNumber('+46 8 123')).toBeNull();
  });

  it('keeps the country undefined for non-geographic numbers', () => {
    expect(normalizePhoneNumber('+800 1234 5678')).toEqual({ e164: '+80012345678', country: undefined });
  });

  it.each(['', '   ', 'not a number', '+'.padEnd(80, '1')])('rejects %p', (input) => {
    expect(normalizePhoneNumber(input)).toBeNull();
  });
});
