import { normalizePhoneNumber, type CountryCode } from 'src/common/phone-number';
import { resolveTimeZone, type TimeZoneSource } from 'src/campaigns/scheduling/time-zones';
import { isCleanText } from 'src/common/validation';

// One contact as it came in (a CSV line or an element of a JSON array), before any check.
export interface RawContact {
  // CSV: the line in the file (1 is the header); JSON: the index in `contacts`.
  at: number;
  phone: unknown;
  timeZone?: unknown;
  attributes?: unknown;
}

// What an import reads: a contact, or a CSV line whose field count is not the header's (rejected with its line).
export type IncomingRow = RawContact | { at: number; fieldCount: number; expected: number };

export interface ValidContact {
  at: number;
  phone: string;
  country: string | null;
  timeZone: string;
  timeZoneSource: TimeZoneSource;
  attributes: Record<string, string | number | boolean | null>;
}

export interface RejectedContact {
  at: number;
  phone?: string;
  field: string;
  reason: string;
}

export const ATTRIBUTE_LIMITS = { count: 50, keyChars: 64, valueChars: 500 } as const;
const ATTRIBUTE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface RowContext {
  campaignDefaultZone: string;
  // For numbers written without a country code.
  defaultCountry?: CountryCode;
}

// Checks and normalises one contact: E.164 number, IANA zone (its own, its country's or the campaign default),
// flat attributes usable in the message. Every refusal names the field and the reason.
export function checkContact(raw: RawContact, ctx: RowContext): ValidContact | RejectedContact {
  const phoneText = typeof raw.phone === 'string' ? raw.phone.trim() : typeof raw.phone === 'number' ? String(raw.phone) : undefined;
  if (!phoneText) return { at: raw.at, field: 'phone', reason: 'phone is missing' };
  const number = normalizePhoneNumber(phoneText, ctx.defaultCountry);
  if (!number) return { at: raw.at, phone: phoneText.slice(0, 64), field: 'phone', reason: `"${phoneText.slice(0, 64)}" is not a valid phone number` };

  const explicit = raw.timeZone === undefined || raw.timeZone === null || raw.timeZone === '' ? undefined : raw.timeZone;
  if (explicit !== undefined && typeof explicit !== 'string') return { at: raw.at, phone: number.e164, field: 'timeZone', reason: 'timeZone must be a string' };
  const zone = resolveTimeZone({ explicit, country: number.country, campaignDefault: ctx.campaignDefaultZone });
  if (!zone) return { at: raw.at, phone: number.e164, field: 'timeZone', reason: `"${String(explicit).slice(0, 64)}" is not an IANA time zone` };

  const attributes = checkAttributes(raw.attributes);
  if (typeof attributes === 'string') return { at: raw.at, phone: number.e164, field: 'attributes', reason: attributes };

  return { at: raw.at, phone: number.e164, country: number.country ?? null, timeZone: zone.zone, timeZoneSource: zone.source, attributes };
}

export function isRejected(row: ValidContact | RejectedContact): row is RejectedContact {
  return 'reason' in row;
}

// A flat object of short scalars, or the reason it is not.
function checkAttributes(value: unknown): Record<string, string | number | boolean | null> | string {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return 'attributes must be an object';
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > ATTRIBUTE_LIMITS.count) return `at most ${ATTRIBUTE_LIMITS.count} attributes`;
  const out: Record<string, string | number | boolean | null> = {};
  for (const key of keys) {
    const v = record[key];
    if (key.length > ATTRIBUTE_LIMITS.keyChars || !ATTRIBUTE_KEY.test(key)) {
      return `attribute name "${key.slice(0, 64)}" must be letters, digits and _ (at most ${ATTRIBUTE_LIMITS.keyChars}), not starting with a digit`;
    }
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      return `attribute "${key}" must be a string, number, boolean or null`;
    if (typeof v === 'number' && !Number.isFinite(v)) return `attribute "${key}" must be a finite number`;
    if (typeof v === 'string' && v.length > ATTRIBUTE_LIMITS.valueChars) return `attribute "${key}" is longer than ${ATTRIBUTE_LIMITS.valueChars} characters`;
    // CSV cells never pass the global input policy; Postgres's jsonb cannot store NUL.
    if (typeof v === 'string' && !isCleanText(v)) return `attribute "${key}" must not contain control characters or unpaired surrogates`;
    out[key] = v as string | number | boolean | null;
  }
  return out;
}
