import { isE164, normalizePhoneNumber } from 'src/common/phone-number';
import { getCountries, getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import metadata from 'libphonenumber-js/metadata.max.json';

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

describe('normalizePhoneNumber on E.164 input (its fast path)', () => {
  it('agrees with the general parser on 10,000 seeded random numbers across every calling code', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const codes = Object.keys(metadata.country_calling_codes);
    let valid = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const code = codes[Math.floor(random() * codes.length)];
      let digits = '';
      for (let k = 4 + Math.floor(random() * 9); k > 0; k -= 1) digits += Math.floor(random() * 10);
      const input = `+${code}${digits}`;
      const general = parsePhoneNumberFromString(input);
      const expected = general?.isValid() ? { e164: general.number, country: general.country } : null;
      if (expected) valid += 1;
      expect({ input, got: normalizePhoneNumber(input) }).toEqual({ input, got: expected });
    }
    expect(valid).toBeGreaterThan(250); // the sample holds valid numbers, not only refusals
  });

  it("agrees with the general parser on every country's example mobile number", () => {
    for (const country of getCountries()) {
      const example = getExampleNumber(country, examples);
      if (!example) continue;
      const general = parsePhoneNumberFromString(example.number);
      expect({ input: example.number, got: normalizePhoneNumber(example.number) }).toEqual({
        input: example.number,
        got: general?.isValid() ? { e164: general.number, country: general.country } : null,
      });
    }
  });

  it('finds the country among those sharing a calling code', () => {
    expect(normalizePhoneNumber('+16132361234')).toEqual({ e164: '+16132361234', country: 'CA' });
    expect(normalizePhoneNumber('+447624123456')).toEqual({ e164: '+447624123456', country: 'IM' });
    expect(normalizePhoneNumber('+79161234567')).toEqual({ e164: '+79161234567', country: 'RU' });
  });

  it('still repairs a trunk prefix written after the calling code', () => {
    expect(normalizePhoneNumber('+64035849581')).toEqual({ e164: '+6435849581', country: 'NZ' });
  });
});
