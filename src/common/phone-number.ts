import { Metadata } from 'libphonenumber-js/core';
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
  // Valid E.164 is checked for less than a cache entry costs; caching it would also keep each number of a
  // million-row import alive long enough to reach the old generation of the heap.
  const plain = E164.test(input) ? validE164(input) : null;
  if (plain) return plain;
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

// The numbering plans, read through the library's Metadata class (its typings name only selectNumberingPlan).
interface PlanView {
  selectNumberingPlan(country: string): void;
  hasTypes(): boolean;
  nationalNumberPattern(): string;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}
const plans = new Metadata(metadata) as unknown as PlanView;
const NUMBER_TYPES = ['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];
const planChecks = new Map<string, (national: string) => boolean>();

// Whether a national number is valid in a country's plan, as the library's isValid() decides it (the whole number
// matches the plan's pattern and one number type's pattern and lengths), with each pattern compiled once: the
// library compiles them again on every call, which is most of its cost.
function fitsPlan(country: string, national: string): boolean {
  let check = planChecks.get(country);
  if (!check) {
    check = compilePlan(country);
    planChecks.set(country, check);
  }
  return check(national);
}

function compilePlan(country: string): (national: string) => boolean {
  const whole = (pattern: string) => new RegExp(`^(?:${pattern})$`);
  plans.selectNumberingPlan(country);
  const national = whole(plans.nationalNumberPattern());
  if (!plans.hasTypes()) return (n) => national.test(n);
  const types = NUMBER_TYPES.flatMap((name) => {
    const type = plans.type(name);
    const pattern = type?.pattern();
    return type && pattern ? [{ pattern: whole(pattern), lengths: type.possibleLengths() }] : [];
  });
  return (n) => national.test(n) && types.some((t) => (!t.lengths || t.lengths.includes(n.length)) && t.pattern.test(n));
}

// A number already written as valid E.164 (what imports and the API mostly carry), found at a fraction of the
// general parser's cost. The calling code is the first 1–3 digits that name one; the country is the first of the
// code's countries (the main one first) whose plan the number fits, as the general parser decides it. null sends the
// number on to the general parser, which also repairs what this does not (a trunk prefix written after the calling
// code: +64 0...) and knows the non-geographic codes; a test compares the two on random numbers.
function validE164(e164: string): NormalizedPhoneNumber | null {
  for (let length = 1; length <= 3; length += 1) {
    const callingCode = e164.slice(1, 1 + length);
    const countries = metadata.country_calling_codes[callingCode];
    if (!countries) continue;
    const national = e164.slice(1 + length);
    const country = countries.find((c) => (c as string) !== '001' && fitsPlan(c, national));
    return country ? { e164, country } : null;
  }
  return null;
}
