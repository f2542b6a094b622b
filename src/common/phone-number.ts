import { PhoneNumber } from 'libphonenumber-js/core';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/metadata.max.json';

export type { CountryCode };

export interface NormalizedPhoneNumber {
  e164: string;
  country: string | undefined;
}

// E.164: a plus, a country code that does not start with 0, at most 15 digits in all.
const E164 = /^\+[1-9]\d{1,14}$/;

// Shape only (no numbering-plan check): cheap enough for the SVAML validator on the webhook hot path.
export function isE164(s: string): boolean {
  return E164.test(s);
}

// Anything longer is not a phone number, and the parser should not spend time on it.
const MAX_INPUT_LENGTH = 64;

// Recent answers: a request's number is parsed by its validator and again when it is planned, and busy numbers
// recur. Bounded: emptied when full.
const RECENT_MAX = 10_000;
const recent = new Map<string, NormalizedPhoneNumber | null>();

// The `max` metadata carries the per-type patterns, so isValid() is a real numbering-plan check, not a length check.
export function normalizePhoneNumber(input: string, defaultCountry?: CountryCode): NormalizedPhoneNumber | null {
  const key = defaultCountry === undefined ? input : `${defaultCountry} ${input}`;
  const known = recent.get(key);
  if (known !== undefined) return known && { ...known };
  const normalized = parse(input, defaultCountry);
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(key, normalized);
  return normalized && { ...normalized };
}

function parse(input: string, defaultCountry?: CountryCode): NormalizedPhoneNumber | null {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_INPUT_LENGTH) return null;
  const plain = E164.test(trimmed) ? validE164(trimmed) : null;
  if (plain) return plain;
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry);
  if (!parsed || !parsed.isValid()) return null;
  return { e164: parsed.number, country: parsed.country };
}

// The library's PhoneNumber also takes (country or calling code, national number, metadata); its typings name only
// the E.164 form.
const NumberInPlan = PhoneNumber as unknown as new (countryOrCallingCode: string, national: string, plan: typeof metadata) => PhoneNumber;

// A number already written as valid E.164 (what imports and the API mostly carry), found at about a quarter of the
// general parser's cost by skipping its search for a number in free text. The calling code is the first 1–3 digits
// that name one; the country is the first of the code's countries (the main one first) whose plan the number fits,
// as the general parser decides it. null sends the number on to the general parser, which also repairs what this
// does not (a trunk prefix written after the calling code: +64 0...); a test compares the two on random numbers.
function validE164(e164: string): NormalizedPhoneNumber | null {
  for (let length = 1; length <= 3; length += 1) {
    const callingCode = e164.slice(1, 1 + length);
    const countries = metadata.country_calling_codes[callingCode];
    if (!countries) continue;
    const national = e164.slice(1 + length);
    if (national.length < 2) return null;
    if (countries.length === 1) return new NumberInPlan(countries[0], national, metadata).isValid() ? { e164, country: countries[0] } : null;
    for (const country of countries) {
      if (new NumberInPlan(country, national, metadata).isValid()) return { e164, country };
    }
    return null;
  }
  return null;
}
