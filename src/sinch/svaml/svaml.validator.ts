import { summarize } from 'src/common/validation';
import { isRecord } from 'src/sinch/json';
import * as check from 'src/sinch/svaml/svaml.checks';
import { ACTIONS_BY_CONTEXT, INDICATIONS, SVAML_LIMITS, push, utf8Bytes, type Out, type SvamlViolation } from 'src/sinch/svaml/svaml.rules';
import { validateRunMenu } from 'src/sinch/svaml/run-menu.validator';
import { MUSIC_ON_HOLD, type Svaml, type SvamlActionName, type SvamlContext, type SvamlInstructionName } from 'src/sinch/svaml/svaml.types';

export type { SvamlViolation } from 'src/sinch/svaml/svaml.rules';

export class SvamlValidationError extends Error {
  constructor(
    readonly violations: SvamlViolation[],
    readonly context?: SvamlContext,
  ) {
    super(`Invalid SVAML${context ? ` for ${context}` : ''}: ${summarize(violations.map((v) => v.message))}`);
    this.name = 'SvamlValidationError';
  }
}

const ACTION_NAMES: readonly SvamlActionName[] = [
  'hangup',
  'continue',
  'connectPstn',
  'connectMxp',
  'connectConf',
  'connectSip',
  'connectStream',
  'runMenu',
  'park',
];
const INSTRUCTION_NAMES: readonly SvamlInstructionName[] = ['playFiles', 'say', 'sendDtmf', 'setCookie', 'answer', 'startRecording', 'stopRecording'];

// Sinch's own examples spell names in several cases ("Hangup", "connectPSTN", "RunMenu", "runmenu"), so names are
// matched case-insensitively and rewritten to the OpenAPI spelling.
const actionByLower = new Map(ACTION_NAMES.map((n) => [n.toLowerCase(), n]));
const instructionByLower = new Map(INSTRUCTION_NAMES.map((n) => [n.toLowerCase(), n]));

export const canonicalActionName = (name: string): SvamlActionName | undefined => actionByLower.get(name.toLowerCase());
export const canonicalInstructionName = (name: string): SvamlInstructionName | undefined => instructionByLower.get(name.toLowerCase());

const CONNECT_MAX = SVAML_LIMITS.connectMaxDurationSeconds;
const TRANSPORTS = ['udp', 'tcp', 'tls'];

function validateAction(out: Out, action: Record<string, unknown>, name: SvamlActionName): void {
  const at = (field: string) => `action.${field}`;
  switch (name) {
    case 'hangup':
    case 'continue':
      break;
    case 'connectPstn': {
      check.e164(out, action.number, at('number'));
      check.string(out, action.locale, at('locale'));
      check.integer(out, action.maxDuration, at('maxDuration'), { max: CONNECT_MAX, forWhat: name });
      check.integer(out, action.dialTimeout, at('dialTimeout'));
      check.string(out, action.cli, at('cli'));
      check.boolean(out, action.suppressCallbacks, at('suppressCallbacks'));
      check.dtmf(out, action.dtmf, at('dtmf'));
      check.oneOf(out, action.indications, at('indications'), INDICATIONS);
      const amd = check.object(out, action.amd, at('amd'));
      if (amd) {
        check.boolean(out, amd.enabled, at('amd.enabled'));
        check.boolean(out, amd.async, at('amd.async'));
      }
      break;
    }
    case 'connectMxp': {
      const destination = check.object(out, action.destination, at('destination'));
      if (destination) {
        check.string(out, destination.type, at('destination.type'), { required: true });
        check.string(out, destination.endpoint, at('destination.endpoint'), { required: true, nonEmpty: true });
      }
      check.callHeaders(out, action.callHeaders, at('callHeaders'));
      break;
    }
    case 'connectConf': {
      check.string(out, action.conferenceId, at('conferenceId'), {
        required: true,
        nonEmpty: true,
        maxChars: SVAML_LIMITS.conferenceIdChars,
        forWhat: name,
      });
      check.conferenceDtmfOptions(out, action.conferenceDtmfOptions, at('conferenceDtmfOptions'));
      check.oneOf(out, action.moh, at('moh'), MUSIC_ON_HOLD);
      break;
    }
    case 'connectSip': {
      const destination = check.object(out, action.destination, at('destination'), true);
      if (destination) {
        check.string(out, destination.type, at('destination.type'));
        check.string(out, destination.endpoint, at('destination.endpoint'), { required: true, nonEmpty: true });
      }
      check.integer(out, action.maxDuration, at('maxDuration'), { max: CONNECT_MAX, forWhat: name });
      check.string(out, action.cli, at('cli'));
      check.oneOf(out, action.transport, at('transport'), TRANSPORTS, { ignoreCase: true });
      check.boolean(out, action.suppressCallbacks, at('suppressCallbacks'));
      check.callHeaders(out, action.callHeaders, at('callHeaders'));
      check.oneOf(out, action.moh, at('moh'), MUSIC_ON_HOLD);
      break;
    }
    case 'connectStream': {
      const destination = check.object(out, action.destination, at('destination'), true);
      if (destination) {
        check.string(out, destination.type, at('destination.type'), { required: true });
        check.string(out, destination.endpoint, at('destination.endpoint'), { required: true, nonEmpty: true });
      }
      const streaming = check.object(out, action.streamingOptions, at('streamingOptions'));
      if (streaming) {
        check.integer(out, streaming.version, at('streamingOptions.version'));
        check.integer(out, streaming.sampleRate, at('streamingOptions.sampleRate'), { min: 1 });
      }
      check.integer(out, action.maxDuration, at('maxDuration'), { max: CONNECT_MAX, forWhat: name });
      check.callHeaders(out, action.callHeaders, at('callHeaders'));
      break;
    }
    case 'runMenu':
      validateRunMenu(out, action);
      break;
    case 'park':
      check.string(out, action.locale, at('locale'));
      check.prompt(out, action.introPrompt, at('introPrompt'), name);
      check.prompt(out, action.holdPrompt, at('holdPrompt'), name);
      check.integer(out, action.maxDuration, at('maxDuration'), {
        max: SVAML_LIMITS.parkMaxDurationSeconds,
        forWhat: name,
      });
      break;
  }
  // No action schema has `custom`, but Sinch caps it at 1024 bytes wherever it appears.
  check.string(out, action.custom, at('custom'), { maxBytes: SVAML_LIMITS.customBytes });
}

const isTtsOrSsml = (id: unknown): boolean => typeof id === 'string' && /^#(tts|ssml)\[/i.test(id);

interface InstructionState {
  cookieBytes: number;
}

function validateInstruction(out: Out, ins: Record<string, unknown>, name: SvamlInstructionName, path: string, state: InstructionState): void {
  const at = (field: string) => `${path}.${field}`;
  switch (name) {
    case 'playFiles': {
      const ids = ins.ids;
      if (!Array.isArray(ids) || ids.length === 0) {
        push(out, at('ids'), ids === undefined ? 'required' : 'type', `${at('ids')} must be a non-empty array`);
      } else {
        ids.forEach((id: unknown, i) => check.prompt(out, id, `${at('ids')}[${i}]`, name, true));
      }
      // OpenAPI playFiles.locale: "If using SSML or TTS, this is a required field".
      const needsLocale = Array.isArray(ids) && ids.some(isTtsOrSsml);
      check.string(out, ins.locale, at('locale'), { required: needsLocale, forWhat: 'TTS/SSML files' });
      break;
    }
    case 'say':
      check.prompt(out, ins.text, at('text'), name, true);
      check.string(out, ins.locale, at('locale'));
      break;
    case 'sendDtmf':
      check.dtmf(out, ins.value, at('value'), true);
      break;
    case 'setCookie': {
      const key = check.string(out, ins.key, at('key'), { required: true, nonEmpty: true });
      const value = check.string(out, ins.value, at('value'), { required: true });
      // callback-api.md: "The total size of cookie data (keys and values) may not exceed 1024 bytes".
      state.cookieBytes += (key ? utf8Bytes(key) : 0) + (value ? utf8Bytes(value) : 0);
      if (state.cookieBytes > SVAML_LIMITS.cookieBytes) {
        push(out, path, 'max_bytes', `cookies (keys and values) must total at most ${SVAML_LIMITS.cookieBytes} bytes`);
      }
      break;
    }
    case 'startRecording': {
      const options = check.object(out, ins.options, at('options'));
      if (options) {
        for (const field of ['destinationUrl', 'destination', 'credentials', 'format']) {
          check.string(out, options[field], at(`options.${field}`));
        }
        check.boolean(out, options.notificationEvents, at('options.notificationEvents'));
        const transcription = check.object(out, options.transcriptionOptions, at('options.transcriptionOptions'));
        if (transcription) {
          check.boolean(out, transcription.enabled, at('options.transcriptionOptions.enabled'));
          check.string(out, transcription.locale, at('options.transcriptionOptions.locale'));
        }
      }
      break;
    }
    case 'answer':
    case 'stopRecording':
      break;
  }
}

function nameOf(out: Out, node: Record<string, unknown>, path: string): string | undefined {
  if (typeof node.name !== 'string' || node.name.length === 0) {
    push(out, `${path}.name`, 'required', `${path}.name is required`);
    return undefined;
  }
  return node.name;
}

export function validateSvaml(doc: unknown, context: SvamlContext): SvamlViolation[] {
  const out: Out = [];
  if (!isRecord(doc)) {
    push(out, '', 'type', 'SVAML must be a JSON object');
    return out;
  }
  const instructionNames: SvamlInstructionName[] = [];
  if (doc.instructions !== undefined) {
    if (!Array.isArray(doc.instructions)) {
      push(out, 'instructions', 'type', 'instructions must be an array');
    } else {
      const state: InstructionState = { cookieBytes: 0 };
      doc.instructions.forEach((ins: unknown, i) => {
        const path = `instructions[${i}]`;
        if (!isRecord(ins)) return push(out, path, 'type', `${path} must be an object`);
        const raw = nameOf(out, ins, path);
        if (raw === undefined) return;
        const name = canonicalInstructionName(raw);
        if (!name) return push(out, `${path}.name`, 'unknown_instruction', `${path}.name "${raw}" is not an instruction`);
        instructionNames.push(name);
        validateInstruction(out, ins, name, path, state);
      });
    }
  }
  if (doc.action !== undefined) {
    if (!isRecord(doc.action)) {
      push(out, 'action', 'type', 'action must be an object');
      return out;
    }
    const raw = nameOf(out, doc.action, 'action');
    const name = raw === undefined ? undefined : canonicalActionName(raw);
    if (raw !== undefined && !name) push(out, 'action.name', 'unknown_action', `action.name "${raw}" is not an action`);
    if (name) {
      const allowed = ACTIONS_BY_CONTEXT[context];
      if (!allowed.has(name)) {
        push(out, 'action.name', 'not_allowed_in_context', `action ${name} is not allowed in a ${context} response (allowed: ${[...allowed].join(', ')})`);
      }
      // callback-api.md StartRecording: "Recording calls when using the action ConnectMxp is not supported".
      if (name === 'connectMxp' && instructionNames.includes('startRecording')) {
        push(out, 'action.name', 'unsupported_combination', 'startRecording is not supported with connectMxp');
      }
      validateAction(out, doc.action, name);
    }
  }
  return out;
}

// Returns the document with instruction and action names in their canonical spelling (the same object when they
// already are), so callers can switch on `name` safely.
export function assertValidSvaml(doc: unknown, context: SvamlContext): Svaml {
  const violations = validateSvaml(doc, context);
  if (violations.length > 0) throw new SvamlValidationError(violations, context);
  return canonicalizeSvaml(doc as Svaml);
}

// Only meaningful for a document that passed validateSvaml.
export function canonicalizeSvaml(doc: Svaml): Svaml {
  const actionName = doc.action ? canonicalActionName(doc.action.name) : undefined;
  const renameAction = doc.action !== undefined && actionName !== doc.action.name;
  const renameInstructions = doc.instructions?.some((i) => canonicalInstructionName(i.name) !== i.name) ?? false;
  if (!renameAction && !renameInstructions) return doc;
  const copy: Svaml = { ...doc };
  if (renameAction && doc.action) copy.action = { ...doc.action, name: actionName } as Svaml['action'];
  if (renameInstructions && doc.instructions) {
    copy.instructions = doc.instructions.map((i) => ({ ...i, name: canonicalInstructionName(i.name) })) as Svaml['instructions'];
  }
  return copy;
}
