import type { NewCall } from 'src/simulator/calls/call-engine';
import { invalidRequestError, missingParameterError, missingPlusError, parameterError } from 'src/simulator/http/sim-errors';
import type { CallbackEvent, CallbackTarget, Endpoint } from 'src/simulator/simulator.types';
import { isRecord } from 'src/sinch/json';
import { validateSvaml } from 'src/sinch/svaml/svaml.validator';
import type { Svaml } from 'src/sinch/svaml/svaml.types';

// Body validation of POST /calling/v1/callouts, answering 400 / 40001 with a message naming the field, as Sinch
// does. Limits from the spec: TTS text and prompts 600 characters, conferenceId 64, custom 1024 bytes,
// maxDuration 14400 s, DTMF only 0-9 # w.

type Obj = Record<string, unknown>;

const E164 = /^\+[1-9]\d{6,14}$/;
const MOH = ['ring', 'music1', 'music2', 'music3'];

const chars = (s: string): number => [...s].length;

function str(o: Obj, field: string, path: string, rule: { required?: boolean; maxChars?: number; maxBytes?: number } = {}) {
  const v = o[field];
  if (v === undefined || v === null) {
    if (rule.required) throw missingParameterError(`${path}.${field} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw parameterError(`${path}.${field} must be a string`);
  if (rule.required && v.trim() === '') throw parameterError(`${path}.${field} must not be empty`);
  if (rule.maxChars !== undefined && chars(v) > rule.maxChars) {
    throw parameterError(`${path}.${field} must be at most ${rule.maxChars} characters (got ${chars(v)})`);
  }
  if (rule.maxBytes !== undefined && Buffer.byteLength(v) > rule.maxBytes) {
    throw parameterError(`${path}.${field} must be at most ${rule.maxBytes} bytes`);
  }
  return v;
}

function bool(o: Obj, field: string, path: string): boolean | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw parameterError(`${path}.${field} must be a boolean`);
  return v;
}

function maxDuration(o: Obj, path: string): number | undefined {
  const v = o.maxDuration;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 14400) {
    throw parameterError(`${path}.maxDuration must be a whole number of seconds from 0 to 14400`);
  }
  return v;
}

function dtmf(o: Obj, path: string): string | undefined {
  const v = str(o, 'dtmf', path);
  if (v !== undefined && !/^[0-9#w]*$/.test(v)) throw parameterError(`${path}.dtmf may only contain 0-9, # and w`);
  return v;
}

function cli(o: Obj, path: string): string {
  const v = str(o, 'cli', path);
  if (v === undefined) return 'private';
  if (v !== 'private' && !/^\+?\d{3,15}$/.test(v)) throw parameterError(`${path}.cli must be a phone number in E.164 format`);
  return v;
}

function destination(o: Obj, path: string, required: boolean): Endpoint | undefined {
  const d = o.destination;
  if (d === undefined || d === null) {
    if (required) throw missingParameterError(`${path}.destination is required`);
    return undefined;
  }
  if (!isRecord(d)) throw parameterError(`${path}.destination must be an object with type and endpoint`);
  const type = str(d, 'type', `${path}.destination`, { required: true })!;
  // The docs' own example still spells the endpoint `number`.
  const endpoint = str(d, 'endpoint', `${path}.destination`) ?? str(d, 'number', `${path}.destination`);
  if (endpoint === undefined) throw missingParameterError(`${path}.destination.endpoint is required`);
  const kind = type.toLowerCase();
  if (kind === 'number') {
    if (/^[1-9]\d{6,14}$/.test(endpoint)) {
      throw missingPlusError(`Invalid destination: ${path}.destination.endpoint must be an E.164 number with a leading + (got ${endpoint})`);
    }
    if (!E164.test(endpoint)) {
      throw parameterError(`Invalid destination: ${path}.destination.endpoint must be an E.164 number with a leading +`);
    }
  } else if (kind !== 'username' && kind !== 'sip') {
    throw parameterError(`Invalid destination: ${path}.destination.type must be number, username or sip`);
  } else if (endpoint.trim() === '') {
    throw parameterError(`Invalid destination: ${path}.destination.endpoint must not be empty`);
  }
  return { type, endpoint };
}

function common(o: Obj, path: string) {
  return {
    custom: str(o, 'custom', path, { maxBytes: 1024 }),
    locale: str(o, 'locale', path),
    enableAce: bool(o, 'enableAce', path),
    enableDice: bool(o, 'enableDice', path),
    enablePie: bool(o, 'enablePie', path),
  };
}

const appIf = (on: boolean | undefined): CallbackTarget => (on ? { kind: 'app' } : { kind: 'none' });
const domainOf = (to: Endpoint): 'pstn' | 'mxp' => (to.type.toLowerCase() === 'username' ? 'mxp' : 'pstn');

function tts(o: Obj): NewCall {
  const path = 'ttsCallout';
  const to = destination(o, path, true)!;
  const text = str(o, 'text', path, { maxChars: 600 });
  const prompts = str(o, 'prompts', path, { maxChars: 600 });
  if (text === undefined && prompts === undefined) throw missingParameterError(`${path}.text or ${path}.prompts is required`);
  const c = common(o, path);
  const data = domainOf(to) === 'mxp';
  return {
    origin: 'ttsCallout',
    cli: cli(o, path),
    to,
    domain: domainOf(to),
    custom: c.custom,
    locale: c.locale,
    details: { text, prompts, dtmf: dtmf(o, path) },
    // ACE and DiCE are never sent for in-app (username) destinations, whatever enableAce/enableDice say.
    callbacks: { ice: { kind: 'none' }, ace: appIf(c.enableAce && !data), pie: appIf(c.enablePie), dice: c.enableDice === true && !data },
  };
}

function conference(o: Obj): NewCall {
  const path = 'conferenceCallout';
  const to = destination(o, path, true)!;
  const conferenceId = str(o, 'conferenceId', path, { required: true, maxChars: 64 })!;
  const mohClass = str(o, 'mohClass', path);
  if (mohClass !== undefined && !MOH.includes(mohClass)) throw parameterError(`${path}.mohClass must be one of ${MOH.join(', ')}`);
  const c = common(o, path);
  const data = domainOf(to) === 'mxp';
  return {
    origin: 'conferenceCallout',
    cli: cli(o, path),
    to,
    domain: domainOf(to),
    custom: c.custom,
    locale: c.locale,
    details: {
      conferenceId,
      greeting: str(o, 'greeting', path, { maxChars: 600 }),
      mohClass,
      dtmf: dtmf(o, path),
      maxDurationS: maxDuration(o, path),
    },
    callbacks: { ice: { kind: 'none' }, ace: appIf(c.enableAce && !data), pie: appIf(c.enablePie), dice: c.enableDice === true && !data },
  };
}

// ice / ace / pie of a custom callout: inline SVAML (a JSON string) or a URL to send that event to.
function target(o: Obj, event: CallbackEvent): CallbackTarget | undefined {
  const path = `customCallout.${event}`;
  const raw = str(o, event, 'customCallout');
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim();
  if (/^https?:\/\//i.test(value)) {
    try {
      return { kind: 'url', url: new URL(value).toString() };
    } catch {
      throw parameterError(`${path} is not a valid URL`);
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    throw parameterError(`${path} must be inline SVAML (an escaped JSON object) or a callback URL`);
  }
  lenientAmd(doc);
  const violations = validateSvaml(doc, event);
  if (violations.length > 0) {
    throw parameterError(
      `Invalid SVAML in ${path}: ${violations
        .slice(0, 3)
        .map((v) => v.message)
        .join('; ')}`,
    );
  }
  return { kind: 'inline', doc: doc as Svaml };
}

// The spec's own custom-callout AMD example sends "amd": { "enabled": "true" }: Sinch takes the string.
function lenientAmd(doc: unknown): void {
  const amd = isRecord(doc) && isRecord(doc.action) ? doc.action.amd : undefined;
  if (isRecord(amd) && (amd.enabled === 'true' || amd.enabled === 'false')) amd.enabled = amd.enabled === 'true';
}

function custom(o: Obj): NewCall {
  const path = 'customCallout';
  const ice = target(o, 'ice');
  const ace = target(o, 'ace');
  const pie = target(o, 'pie');
  const inlineNumber = ice?.kind === 'inline' ? (ice.doc.action as { number?: unknown } | undefined)?.number : undefined;
  // With inline ICE the docs say to leave out destination: connectPstn.number says where the call goes.
  let to = destination(o, path, false);
  if (!to && typeof inlineNumber === 'string') to = { type: 'number', endpoint: inlineNumber };
  if (!to) throw parameterError(`${path}.destination is required unless the inline ice connectPstn has a number`);
  const c = common(o, path);
  return {
    origin: 'customCallout',
    cli: cli(o, path),
    to,
    domain: domainOf(to),
    custom: c.custom,
    locale: c.locale,
    details: { dtmf: dtmf(o, path), maxDurationS: maxDuration(o, path) },
    // Without inline SVAML or a URL each event goes to the application's callback URL, like any call's.
    callbacks: {
      ice: ice ?? { kind: 'app' },
      ace: ace ?? (c.enableAce === false ? { kind: 'none' } : { kind: 'app' }),
      pie: pie ?? (c.enablePie === false ? { kind: 'none' } : { kind: 'app' }),
      dice: c.enableDice !== false,
    },
  };
}

const METHODS: Record<string, (o: Obj) => NewCall> = {
  ttsCallout: tts,
  conferenceCallout: conference,
  customCallout: custom,
};

export function parseCallout(body: unknown): NewCall {
  if (body === undefined || body === null) throw invalidRequestError();
  if (!isRecord(body)) throw parameterError('Request body must be a JSON object');
  const method = body.method;
  if (typeof method !== 'string' || !(method in METHODS)) {
    throw parameterError('Method needs to be `ttsCallout`, `conferenceCallout`, or `customCallout`');
  }
  const details = body[method];
  if (details === undefined) throw missingParameterError(`${method} is required`);
  if (!isRecord(details)) throw parameterError(`${method} must be an object`);
  return METHODS[method](details);
}
