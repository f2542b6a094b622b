import { isE164 } from 'src/common/phone-number';
import { isRecord } from 'src/sinch/json';
import type { SvamlActionName, SvamlContext } from 'src/sinch/svaml/svaml.types';

export interface SvamlViolation {
  path: string;
  rule: string;
  message: string;
}

// Limits stated by the spec (README.md "Limits the spec states"); Sinch rejects or silently truncates past them.
export const SVAML_LIMITS = {
  ttsChars: 600,
  conferenceIdChars: 64,
  parkMaxDurationSeconds: 600,
  connectMaxDurationSeconds: 14400,
  cookieBytes: 1024,
  customBytes: 1024,
  callHeaderBytes: 1024,
} as const;

// Which actions each callback response / ManageCall accepts:
// - ice: svaml-actions.md, every action "available to use in a response to an Incoming Call Event".
// - ace: svaml-actions.md (hangup, continue, runMenu) plus connectConf, which the OpenAPI
//   conferenceCalloutRequest.enableAce says the ACE answer "must" contain for conference callouts.
// - pie: svaml-actions.md (hangup, continue, connectPstn, connectConf, connectSip, park) plus runMenu, which the
//   official SDK's PieSvamlAction allows and an IVR needs to re-prompt after a wrong PIN.
// - patch: the SDK's ManagedCallSvamlAction (hangup, continue, park; the OpenAPI updateCall examples are hangup and
//   park) plus runMenu, which callback-api.md says "can also be used in combination with the ManageCall API", plus
//   connectConf: the OpenAPI updateCall body is SVAMLRequestBody, whose action is any svaml.action, and
//   callback-api.md says a parked call is unparked with ManageCall; a queue unparks its caller into the agent's
//   room this way (docs/queues.md). The actions that place a new leg stay refused.
export const ACTIONS_BY_CONTEXT: Readonly<Record<SvamlContext, ReadonlySet<SvamlActionName>>> = {
  ice: new Set(['hangup', 'connectPstn', 'connectMxp', 'connectConf', 'connectSip', 'connectStream', 'runMenu', 'park']),
  ace: new Set(['hangup', 'continue', 'connectConf', 'runMenu']),
  pie: new Set(['hangup', 'continue', 'connectPstn', 'connectConf', 'connectSip', 'park', 'runMenu']),
  patch: new Set(['hangup', 'continue', 'park', 'runMenu', 'connectConf']),
};

export const INDICATIONS: readonly string[] = [
  'at',
  'au',
  'bg',
  'br',
  'be',
  'ch',
  'cl',
  'cn',
  'cz',
  'de',
  'dk',
  'ee',
  'es',
  'fi',
  'fr',
  'gr',
  'hu',
  'il',
  'in',
  'it',
  'lt',
  'jp',
  'mx',
  'my',
  'nl',
  'no',
  'nz',
  'ph',
  'pl',
  'pt',
  'ru',
  'se',
  'sg',
  'th',
  'uk',
  'us',
  'tw',
  've',
  'za',
];

const DTMF_STRING = /^[0-9#w]+$/;

export type Out = SvamlViolation[];

export function push(out: Out, path: string, rule: string, message: string): void {
  out.push({ path, rule, message });
}

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

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
export function checkString(out: Out, value: unknown, path: string, rule: StringRule = {}): string | undefined {
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

export function checkPrompt(out: Out, value: unknown, path: string, forWhat: string, required = false): void {
  checkString(out, value, path, { required, nonEmpty: required, maxChars: SVAML_LIMITS.ttsChars, forWhat });
}

interface IntegerRule {
  required?: boolean;
  min?: number;
  max?: number;
  forWhat?: string;
}

export function checkInteger(out: Out, value: unknown, path: string, rule: IntegerRule = {}): void {
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

export function checkBoolean(out: Out, value: unknown, path: string): void {
  if (value !== undefined && typeof value !== 'boolean') push(out, path, 'type', `${path} must be a boolean`);
}

export function checkEnum(out: Out, value: unknown, path: string, allowed: readonly string[], opts: { required?: boolean; ignoreCase?: boolean } = {}): void {
  if (value === undefined) {
    if (opts.required) push(out, path, 'required', `${path} is required`);
    return;
  }
  const candidate = typeof value === 'string' && opts.ignoreCase ? value.toLowerCase() : value;
  if (typeof candidate !== 'string' || !allowed.includes(candidate)) {
    push(out, path, 'enum', `${path} must be one of ${allowed.join(', ')}`);
  }
}

export function checkDtmf(out: Out, value: unknown, path: string, required = false): void {
  const digits = checkString(out, value, path, { required });
  if (digits !== undefined && !DTMF_STRING.test(digits)) {
    push(out, path, 'dtmf_charset', `${path} may only contain 0-9, # and w`);
  }
}

export function checkE164(out: Out, value: unknown, path: string, required = false): void {
  const number = checkString(out, value, path, { required });
  if (number !== undefined && !isE164(number)) {
    push(out, path, 'e164', `${path} must be an E.164 number such as +46701234567`);
  }
}

export function checkCallHeaders(out: Out, value: unknown, path: string): void {
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
    const key = checkString(out, header.key, `${at}.key`, { required: true, nonEmpty: true });
    const val = checkString(out, header.value, `${at}.value`, { required: true });
    // callback-api.md "Call Headers": 1024 bytes, counted as the UTF-8 size of each key/value pair.
    if (key !== undefined && val !== undefined && utf8Bytes(key) + utf8Bytes(val) > SVAML_LIMITS.callHeaderBytes) {
      push(out, at, 'max_bytes', `${at} key and value must be at most ${SVAML_LIMITS.callHeaderBytes} bytes (UTF-8)`);
    }
  });
}

export function checkObject(out: Out, value: unknown, path: string, required = false): Record<string, unknown> | undefined {
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
