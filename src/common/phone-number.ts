import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

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
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry);
  if (!parsed || !parsed.isValid()) return null;
  return { e164: parsed.number, country: parsed.country };
}
