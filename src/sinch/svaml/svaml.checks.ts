import { isE164 } from 'src/common/phone-number';
import { isRecord } from 'src/sinch/json';
import { SVAML_LIMITS, push, utf8Bytes, type Out } from 'src/sinch/svaml/svaml.rules';

// The checks every Sinch body validator applies to its fields, imported as one namespace: check.string(out, value,
// path, rule) pushes each violation to `out` with the field's path.

const DTMF_STRING = /^[0-9#w]+$/;

// Characters as a person counts them (code points), not UTF-16 units; only computed past the cheap bound.
const charCount = (s: string): number => (s.length <= SVAML_LIMITS.ttsChars ? s.length : [...s].length);

const suffix = (forWhat?: string): string => (forWhat ? ` for ${forWhat}` : '');

interface StringRule {
  required?: boolean;
  nonEmpty?: boolean;
  maxChars?: number;
  maxBytes?: number;
  forWhat?: string;
}

// Returns the string when present and of the right type, so callers can run further checks on it.
export function string(out: Out, value: unknown, path: string, rule: StringRule = {}): string | undefined {
  if (value === undefined) {
    if (rule.required) push(out, path, 'required', `${path} is required${suffix(rule.forWhat)}`);
    return undefined;
  }
  if (typeof value !== 'string') {
    push(out, path, 'type', `${path} must be a string`);
    return undefined;
  }
  if (rule.nonEmpty && value.length === 0) {
    push(out, path, 'min_length', `${path} must not be empty${suffix(rule.forWhat)}`);
  }
  if (rule.maxChars !== undefined && charCount(value) > rule.maxChars) {
    push(out, path, 'max_length', `${path} must be at most ${rule.maxChars} characters${suffix(rule.forWhat)}`);
  }
  if (rule.maxBytes !== undefined && utf8Bytes(value) > rule.maxBytes) {
    push(out, path, 'max_bytes', `${path} must be at most ${rule.maxBytes} bytes (UTF-8)${suffix(rule.forWhat)}`);
  }
  return value;
}

export function prompt(out: Out, value: unknown, path: string, forWhat: string, required = false): void {
  string(out, value, path, { required, nonEmpty: required, maxChars: SVAML_LIMITS.ttsChars, forWhat });
}

interface IntegerRule {
  required?: boolean;
  min?: number;
  max?: number;
  forWhat?: string;
}

export function integer(out: Out, value: unknown, path: string, rule: IntegerRule = {}): void {
  if (value === undefined) {
    if (rule.required) push(out, path, 'required', `${path} is required${suffix(rule.forWhat)}`);
    return;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    push(out, path, 'type', `${path} must be an integer`);
    return;
  }
  const min = rule.min ?? 0;
  if (value < min) push(out, path, 'min_value', `${path} must be at least ${min}${suffix(rule.forWhat)}`);
  if (rule.max !== undefined && value > rule.max) {
    push(out, path, 'max_value', `${path} must be at most ${rule.max}${suffix(rule.forWhat)}`);
  }
}

export function boolean(out: Out, value: unknown, path: string): void {
  if (value !== undefined && typeof value !== 'boolean') push(out, path, 'type', `${path} must be a boolean`);
}

export function oneOf(out: Out, value: unknown, path: string, allowed: readonly string[], opts: { required?: boolean; ignoreCase?: boolean } = {}): void {
  if (value === undefined) {
    if (opts.required) push(out, path, 'required', `${path} is required`);
    return;
  }
  const candidate = typeof value === 'string' && opts.ignoreCase ? value.toLowerCase() : value;
  if (typeof candidate !== 'string' || !allowed.includes(candidate)) {
    push(out, path, 'enum', `${path} must be one of ${allowed.join(', ')}`);
  }
}

export function dtmf(out: Out, value: unknown, path: string, required = false): void {
  const digits = string(out, value, path, { required });
  if (digits !== undefined && !DTMF_STRING.test(digits)) {
    push(out, path, 'dtmf_charset', `${path} may only contain 0-9, # and w`);
  }
}

export function e164(out: Out, value: unknown, path: string, required = false): void {
  const number = string(out, value, path, { required });
  if (number !== undefined && !isE164(number)) {
    push(out, path, 'e164', `${path} must be an E.164 number such as +46701234567`);
  }
}

export function callHeaders(out: Out, value: unknown, path: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    push(out, path, 'type', `${path} must be an array`);
    return;
  }
  value.forEach((header: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(header)) {
      push(out, at, 'type', `${at} must be an object with key and value`);
      return;
    }
    const key = string(out, header.key, `${at}.key`, { required: true, nonEmpty: true });
    const val = string(out, header.value, `${at}.value`, { required: true });
    // callback-api.md "Call Headers": 1024 bytes, counted as the UTF-8 size of each key/value pair.
    if (key !== undefined && val !== undefined && utf8Bytes(key) + utf8Bytes(val) > SVAML_LIMITS.callHeaderBytes) {
      push(out, at, 'max_bytes', `${at} key and value must be at most ${SVAML_LIMITS.callHeaderBytes} bytes (UTF-8)`);
    }
  });
}

export function object(out: Out, value: unknown, path: string, required = false): Record<string, unknown> | undefined {
  if (value === undefined) {
    if (required) push(out, path, 'required', `${path} is required`);
    return undefined;
  }
  if (!isRecord(value)) {
    push(out, path, 'type', `${path} must be an object`);
    return undefined;
  }
  return value;
}

// The conferenceDtmfOptions of connectConf and of a conference callout.
export function conferenceDtmfOptions(out: Out, value: unknown, path: string): void {
  const options = object(out, value, path);
  if (!options) return;
  oneOf(out, options.mode, `${path}.mode`, ['ignore', 'forward', 'detect']);
  integer(out, options.maxDigits, `${path}.maxDigits`, { min: 1 });
  integer(out, options.timeoutMills, `${path}.timeoutMills`);
}
