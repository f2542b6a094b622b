import { summarize } from 'src/common/validation';
import { isE164 } from 'src/common/phone-number';
import { isRecord } from 'src/sinch/json';
import * as check from 'src/sinch/svaml/svaml.checks';
import { SVAML_LIMITS, push, type Out, type SvamlViolation } from 'src/sinch/svaml/svaml.rules';
import type { SvamlContext } from 'src/sinch/svaml/svaml.types';
import { MUSIC_ON_HOLD } from 'src/sinch/svaml/svaml.types';
import { validateSvaml } from 'src/sinch/svaml/svaml.validator';

// Checks a REST request body against the limits the spec states, before it costs a round trip (or a call).
export class SinchRequestValidationError extends Error {
  constructor(readonly violations: SvamlViolation[]) {
    super(`Invalid Sinch request: ${summarize(violations.map((v) => v.message))}`);
    this.name = 'SinchRequestValidationError';
  }
}

export function throwIfViolations(out: Out): void {
  if (out.length > 0) throw new SinchRequestValidationError(out);
}

const DESTINATION_TYPES = ['number', 'username', 'sip'];
const DOMAINS = ['pstn', 'mxp'];
const HTTP_URL = /^https?:\/\/[^\s/]+/i;

function checkCli(out: Out, value: unknown, path: string): void {
  const cli = check.string(out, value, path);
  // Sinch answers 40005 NumberMissingLeadingPlus; "private" hides the caller id (callback-api.md ConnectPstn).
  if (cli !== undefined && cli !== 'private' && !isE164(cli)) {
    push(out, path, 'e164', `${path} must be an E.164 number or "private"`);
  }
}

function checkDestination(out: Out, value: unknown, path: string, required: boolean): void {
  const destination = check.object(out, value, path, required);
  if (!destination) return;
  check.oneOf(out, destination.type, `${path}.type`, DESTINATION_TYPES, { required: true, ignoreCase: true });
  const endpoint = check.string(out, destination.endpoint, `${path}.endpoint`, { required: true, nonEmpty: true });
  const isNumber = typeof destination.type === 'string' && destination.type.toLowerCase() === 'number';
  if (isNumber && endpoint && !isE164(endpoint)) {
    push(out, `${path}.endpoint`, 'e164', `${path}.endpoint must be an E.164 number such as +46701234567`);
  }
}

function checkCommon(out: Out, req: Record<string, unknown>, prefix: string): void {
  checkCli(out, req.cli, `${prefix}.cli`);
  check.dtmf(out, req.dtmf, `${prefix}.dtmf`);
  check.string(out, req.custom, `${prefix}.custom`, { maxBytes: SVAML_LIMITS.customBytes });
  check.string(out, req.locale, `${prefix}.locale`);
  check.oneOf(out, req.domain, `${prefix}.domain`, DOMAINS, { ignoreCase: true });
  for (const flag of ['enableAce', 'enableDice', 'enablePie']) check.boolean(out, req[flag], `${prefix}.${flag}`);
}

export function validateTtsCallout(req: unknown): Out {
  const out: Out = [];
  if (!isRecord(req)) return [{ path: 'ttsCallout', rule: 'type', message: 'ttsCallout must be an object' }];
  checkDestination(out, req.destination, 'ttsCallout.destination', true);
  checkCommon(out, req, 'ttsCallout');
  check.prompt(out, req.text, 'ttsCallout.text', 'ttsCallout');
  check.prompt(out, req.prompts, 'ttsCallout.prompts', 'ttsCallout');
  if (req.text === undefined && req.prompts === undefined) {
    push(out, 'ttsCallout.text', 'required', 'ttsCallout needs text or prompts');
  }
  return out;
}

export function validateConferenceCallout(req: unknown): Out {
  const out: Out = [];
  if (!isRecord(req)) return [{ path: 'conferenceCallout', rule: 'type', message: 'conferenceCallout must be an object' }];
  checkDestination(out, req.destination, 'conferenceCallout.destination', true);
  check.string(out, req.conferenceId, 'conferenceCallout.conferenceId', {
    required: true,
    nonEmpty: true,
    maxChars: SVAML_LIMITS.conferenceIdChars,
    forWhat: 'conferenceCallout',
  });
  checkCommon(out, req, 'conferenceCallout');
  check.integer(out, req.maxDuration, 'conferenceCallout.maxDuration');
  check.prompt(out, req.greeting, 'conferenceCallout.greeting', 'conferenceCallout');
  check.oneOf(out, req.mohClass, 'conferenceCallout.mohClass', MUSIC_ON_HOLD);
  check.conferenceDtmfOptions(out, req.conferenceDtmfOptions, 'conferenceCallout.conferenceDtmfOptions');
  return out;
}

function checkInlineSvaml(out: Out, value: unknown, path: string, context: SvamlContext): void {
  if (value === undefined) return;
  if (typeof value === 'string') {
    if (!HTTP_URL.test(value)) push(out, path, 'url', `${path} must be an http(s) URL or an inline SVAML object`);
    return;
  }
  for (const v of validateSvaml(value, context)) {
    out.push({ path: v.path ? `${path}.${v.path}` : path, rule: v.rule, message: `${path}: ${v.message}` });
  }
}

export function validateCustomCallout(req: unknown): Out {
  const out: Out = [];
  if (!isRecord(req)) return [{ path: 'customCallout', rule: 'type', message: 'customCallout must be an object' }];
  checkDestination(out, req.destination, 'customCallout.destination', false);
  checkCli(out, req.cli, 'customCallout.cli');
  check.dtmf(out, req.dtmf, 'customCallout.dtmf');
  check.string(out, req.custom, 'customCallout.custom', { maxBytes: SVAML_LIMITS.customBytes });
  check.integer(out, req.maxDuration, 'customCallout.maxDuration');
  checkInlineSvaml(out, req.ice, 'customCallout.ice', 'ice');
  checkInlineSvaml(out, req.ace, 'customCallout.ace', 'ace');
  checkInlineSvaml(out, req.pie, 'customCallout.pie', 'pie');
  // customCalloutRequest.ice: "If inline ICE SVAML is passed, exclude cli and destination".
  if (isRecord(req.ice) && (req.cli !== undefined || req.destination !== undefined)) {
    push(out, 'customCallout.ice', 'conflict', 'customCallout with inline ice SVAML must not set cli or destination');
  }
  return out;
}

export function validateManageParticipant(req: unknown): Out {
  const out: Out = [];
  if (!isRecord(req)) return [{ path: 'body', rule: 'type', message: 'participant command must be an object' }];
  check.oneOf(out, req.command, 'command', ['mute', 'unmute', 'onhold', 'resume'], { required: true });
  check.oneOf(out, req.moh, 'moh', MUSIC_ON_HOLD);
  if (req.moh !== undefined && req.command !== 'onhold') {
    push(out, 'moh', 'conflict', 'moh is only available with the onhold command');
  }
  return out;
}

export function validateNumbers(numbers: unknown, path: string, max: number): Out {
  const out: Out = [];
  if (!Array.isArray(numbers) || numbers.length === 0 || numbers.length > max) {
    push(out, path, 'count', `${path} must hold 1 to ${max} numbers`);
    return out;
  }
  numbers.forEach((n: unknown, i) => {
    if (typeof n !== 'string' || !isE164(n)) push(out, `${path}[${i}]`, 'e164', `${path}[${i}] must be an E.164 number`);
  });
  return out;
}

export function validateCallbackUrls(urls: unknown): Out {
  const out: Out = [];
  if (!isRecord(urls)) return [{ path: 'url', rule: 'type', message: 'callback URLs must be an object' }];
  for (const field of ['primary', 'fallback']) {
    const url = check.string(out, urls[field], `url.${field}`, { required: field === 'primary' });
    if (url !== undefined && !HTTP_URL.test(url)) push(out, `url.${field}`, 'url', `url.${field} must be an http(s) URL`);
  }
  return out;
}

export function requirePathValue(value: string, name: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new SinchRequestValidationError([{ path: name, rule: 'required', message: `${name} is required` }]);
  }
}
