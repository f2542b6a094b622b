import type { FieldProblem } from 'src/common/app-error';
import { normalizePhoneNumber } from 'src/common/phone-number';
import { CallCustomError, encodeCallCustom, type CallCustomExtra } from 'src/calls/call-custom';
import { isRecord } from 'src/sinch/json';
import { svaml } from 'src/sinch/svaml/svaml.builders';
import type { SvamlViolation } from 'src/sinch/svaml/svaml.rules';
import type { Svaml, SvamlInstruction } from 'src/sinch/svaml/svaml.types';
import type { ConferenceCalloutRequest, CustomCalloutRequest, TtsCalloutRequest } from 'src/sinch/voice-client.types';
import { validateConferenceCallout, validateCustomCallout, validateTtsCallout } from 'src/sinch/voice-request.validator';
import { conferenceRecordingMarker, RECORDING_KEY, ttsRecordingMarker } from './callout-recording';
import type { ConferenceCalloutDto } from 'src/callouts/dto/conference-callout.dto';
import type { CreateCalloutDto } from 'src/callouts/dto/create-callout.dto';
import type { CustomCalloutDto } from 'src/callouts/dto/custom-callout.dto';
import type { TtsCalloutDto } from 'src/callouts/dto/tts-callout.dto';
import type { CalloutMethod, SinchCallout } from './stored-callout';

// An admin API request turned into what is placed: the Sinch request as it will be sent, minus `custom`, which
// carries the row's own id and is added when dialling.
export interface PlannedCallout {
  kind: CreateCalloutDto['type'];
  toNumber: string;
  fromNumber?: string;
  country?: string;
  conferenceId?: string;
  callout: SinchCallout;
  // Goes into `custom` next to the row's id: the caller's data, plus what an ACE answer needs.
  customExtra?: CallCustomExtra;
}

export type PlanResult = { ok: true; plan: PlannedCallout } | { ok: false; problems: FieldProblem[] };

// Any valid UUID gives the encoded custom its final size: ours are all 36 characters.
const SIZING_CALL_ID = '00000000-0000-4000-8000-000000000000';

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

// Turns a validated DTO into the Sinch request and checks it with the same validator the client runs before
// sending, so every spec limit (600 characters, 64, 1024 bytes of custom, SVAML rules) is a 400 here, not a
// failed call later. Violations are reported under the API's field names.
export function planCallout(dto: CreateCalloutDto): PlanResult {
  const to = normalizePhoneNumber(dto.destination);
  if (!to) return invalid('destination', 'isDialableNumber', 'destination must be a valid phone number in international format');
  // A pool (`{ pool }`) is resolved to one of its numbers by CallerIdPoolResolver before planning.
  if (typeof dto.cli === 'object') return invalid('cli.pool', 'pool_unresolved', 'cli.pool was not resolved to a number');
  const cli = dto.cli === undefined || dto.cli === 'private' ? dto.cli : normalizePhoneNumber(dto.cli)?.e164;
  if (dto.cli !== undefined && cli === undefined) return invalid('cli', 'isDialableNumber', 'cli must be a valid phone number or "private"');

  const reserved = Object.keys(dto.custom ?? {}).find((k) => k.startsWith('_'));
  if (reserved) return invalid('custom', 'reserved_key', `custom.${reserved}: keys starting with "_" are reserved`);
  const marker = recordingMarker(dto);
  const extra = marker === undefined ? dto.custom : { ...dto.custom, [RECORDING_KEY]: marker };
  const customExtra = extra && Object.keys(extra).length > 0 ? extra : undefined;

  const base = { toNumber: to.e164, country: to.country, fromNumber: cli === 'private' ? undefined : cli, customExtra };
  switch (dto.type) {
    case 'tts':
      return checked({ ...base, kind: 'tts', callout: { method: 'ttsCallout', request: ttsRequest(dto, to.e164, cli) } }, dto);
    case 'conference': {
      const callout: SinchCallout = { method: 'conferenceCallout', request: conferenceRequest(dto, to.e164, cli) };
      return checked({ ...base, kind: 'conference', conferenceId: dto.conferenceId, callout }, dto);
    }
    case 'custom': {
      const built = customRequest(dto, to.e164, cli);
      if (!('request' in built)) return { ok: false, problems: built.problems };
      return checked({ ...base, kind: 'custom', callout: { method: 'customCallout', request: built.request } }, dto);
    }
  }
}

const VALIDATORS: Readonly<Record<CalloutMethod, (request: unknown) => SvamlViolation[]>> = {
  ttsCallout: validateTtsCallout,
  conferenceCallout: validateConferenceCallout,
  customCallout: validateCustomCallout,
};

// Every Sinch limit a callout breaks (paths as Sinch names them, e.g. customCallout.ice.action.cli), the `custom`
// it will carry included: whoever places a call, this runs before the row is stored.
export function calloutViolations(callout: SinchCallout, customExtra?: CallCustomExtra): SvamlViolation[] {
  let custom: string;
  try {
    custom = encodeCallCustom(SIZING_CALL_ID, customExtra);
  } catch (error) {
    if (!(error instanceof CallCustomError)) throw error;
    return [{ path: `${callout.method}.custom`, rule: 'max_bytes', message: `custom is too large: ${error.message}` }];
  }
  return VALIDATORS[callout.method]({ ...callout.request, custom });
}

// What the ACE answer of a recorded tts or conference callout needs (a custom callout records from its ICE).
function recordingMarker(dto: CreateCalloutDto): string | undefined {
  if (dto.record !== true) return undefined;
  if (dto.type === 'tts') return ttsRecordingMarker();
  if (dto.type === 'conference') {
    return conferenceRecordingMarker(dto.conferenceId, dto.moh, dto.dtmfOptions ? defined({ ...dto.dtmfOptions }) : undefined);
  }
  return undefined;
}

function ttsRequest(dto: TtsCalloutDto, to: string, cli: string | undefined): Omit<TtsCalloutRequest, 'custom'> {
  return defined({
    destination: { type: 'number', endpoint: to },
    cli,
    dtmf: dto.dtmf,
    locale: dto.locale,
    text: dto.text,
    prompts: dto.prompts,
    // The DiCE finalises the call and carries its cost; ACE only when recording needs an answer to start it.
    enableDice: true,
    enableAce: dto.record === true ? true : undefined,
  });
}

function conferenceRequest(dto: ConferenceCalloutDto, to: string, cli: string | undefined): Omit<ConferenceCalloutRequest, 'custom'> {
  return defined({
    destination: { type: 'number', endpoint: to },
    conferenceId: dto.conferenceId,
    cli,
    dtmf: dto.dtmf,
    locale: dto.locale,
    greeting: dto.greeting,
    mohClass: dto.moh,
    maxDuration: dto.maxDuration,
    conferenceDtmfOptions: dto.dtmfOptions ? defined({ ...dto.dtmfOptions }) : undefined,
    enableDice: true,
    enableAce: dto.record === true ? true : undefined,
  });
}

// Inline ICE: the caller's instructions, then connectPstn to the destination (Sinch's rule: with inline ICE the
// request has no destination or cli; the action says whom to call). The ACE defaults to an inline `continue`
// so answering needs no round trip to our webhook.
function customRequest(dto: CustomCalloutDto, to: string, cli: string | undefined): { request: CustomCalloutRequest } | { problems: FieldProblem[] } {
  const ice: Record<string, unknown> = { ...(dto.ice ?? {}) };
  const action = ice.action;
  const problems: FieldProblem[] = [];
  if (action !== undefined && (!isRecord(action) || String(action.name).toLowerCase() !== 'connectpstn')) {
    problems.push(problem('ice.action.name', 'connect_pstn_only', 'ice.action must be connectPstn (it dials destination) or be left out'));
  } else if (isRecord(action) && action.number !== undefined) {
    problems.push(problem('ice.action.number', 'not_allowed', 'ice.action.number is not allowed: destination says whom to call'));
  }
  if (problems.length > 0) return { problems };
  const { name: _name, number: _number, ...actionOptions } = (action ?? {}) as Record<string, unknown>;
  const recording: SvamlInstruction[] = dto.record === true ? [svaml.startRecording({ notificationEvents: true })] : [];
  const instructions = ice.instructions;
  const doc = {
    ...ice,
    instructions: Array.isArray(instructions)
      ? [...(instructions as SvamlInstruction[]), ...recording]
      : (instructions ?? (recording.length > 0 ? recording : undefined)),
    action: svaml.connectPstn(to, defined({ ...actionOptions, cli, maxDuration: dto.maxDuration, dtmf: dto.dtmf, locale: dto.locale })),
  } as Svaml;
  return { request: defined({ ice: defined(doc), ace: dto.ace ?? { action: svaml.continue() }, pie: dto.pie }) };
}

// Sinch request paths → API fields. The custom callout's ICE action is built from top-level fields.
const RENAMES: readonly [RegExp, string][] = [
  [/^destination\.endpoint$/, 'destination'],
  [/^mohClass$/, 'moh'],
  [/^conferenceDtmfOptions(?=\.|$)/, 'dtmfOptions'],
  [/^ice\.action\.number$/, 'destination'],
];
const FROM_TOP_LEVEL = ['cli', 'maxDuration', 'dtmf', 'locale'] as const;

function fieldOf(path: string, prefix: string, dto: CreateCalloutDto): string {
  let field = path.startsWith(`${prefix}.`) ? path.slice(prefix.length + 1) : path;
  for (const [pattern, replacement] of RENAMES) field = field.replace(pattern, replacement);
  const own = FROM_TOP_LEVEL.find((f) => field === `ice.action.${f}` && (dto as unknown as Record<string, unknown>)[f] !== undefined);
  return own ?? field;
}

function checked(plan: PlannedCallout, dto: CreateCalloutDto): PlanResult {
  const violations = calloutViolations(plan.callout, plan.customExtra);
  if (violations.length === 0) return { ok: true, plan };
  const prefix = plan.callout.method;
  const problems = violations.map((v) => {
    const field = fieldOf(v.path, prefix, dto);
    return problem(field, v.rule, v.message.split(v.path).join(field).split(`${prefix}.`).join(''));
  });
  return { ok: false, problems };
}

const problem = (field: string, rule: string, message: string): FieldProblem => ({ field, rule, message });
const invalid = (field: string, rule: string, message: string): PlanResult => ({ ok: false, problems: [problem(field, rule, message)] });
