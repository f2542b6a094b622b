import { isRecord } from 'src/sinch/json';
import { parseSinchTimestamp } from 'src/sinch/signing';
import { toMoney, type Money } from 'src/sinch/sinch-money';
import type { CallHeader } from 'src/sinch/svaml/svaml.types';

// Callback bodies as described in voice-api-openapi.txt (iceRequest, aceRequest, diceRequest, pieRequest,
// notifyRequest, notifyErrorRequest) and callback-api.md. Unknown fields are kept in `raw`.

export type { Money } from 'src/sinch/sinch-money';

export class CallbackParseError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CallbackParseError';
  }
}

export interface CallbackDestination {
  type: string;
  endpoint: string;
}

export type AmdStatus = 'machine' | 'human' | 'notsure' | 'hangup' | (string & {});

export interface AmdResult {
  status: AmdStatus;
  reason?: string;
  duration?: number;
}

interface CallbackBase {
  callId: string;
  timestamp?: Date;
  version?: number;
  custom?: string;
  applicationKey?: string;
  user?: string;
  raw: Record<string, unknown>;
}

export interface IceEvent extends CallbackBase {
  event: 'ice';
  callResourceUrl?: string;
  userRate?: Money;
  cli?: string;
  to?: CallbackDestination;
  domain?: string;
  originationType?: string;
  duration?: number;
  rdnis?: string;
  callHeaders?: CallHeader[];
}

export interface AceEvent extends CallbackBase {
  event: 'ace';
  amd?: AmdResult;
}

// The results and reasons Sinch documents; the service also takes ones it does not know yet.
export type KnownDiceResult = 'ANSWERED' | 'BUSY' | 'NOANSWER' | 'FAILED' | 'N/A';
export type DiceResult = KnownDiceResult | (string & {});
export type KnownDiceReason =
  | 'N/A'
  | 'TIMEOUT'
  | 'CALLERHANGUP'
  | 'CALLEEHANGUP'
  | 'BLOCKED'
  | 'MANAGERHANGUP'
  | 'NOCREDITPARTNER'
  | 'GENERALERROR'
  | 'CANCEL'
  | 'USERNOTFOUND'
  | 'CALLBACKERROR';
export type DiceReason = KnownDiceReason | (string & {});

export interface DiceEvent extends CallbackBase {
  event: 'dice';
  result: DiceResult;
  reason: DiceReason;
  duration?: number;
  debit?: Money;
  userRate?: Money;
  to?: CallbackDestination;
  from?: string;
  callHeaders?: CallHeader[];
}

// Sinch documents "Sequence", "Return"... but its own PIE example sends "sequence": we lower-case the type.
export type MenuResultType = 'error' | 'return' | 'sequence' | 'timeout' | 'hangup' | 'invalidinput' | (string & {});

export interface MenuResult {
  type: MenuResultType;
  value?: string;
  menuId?: string;
  inputMethod?: 'dtmf' | 'voice' | (string & {});
}

export interface PieEvent extends CallbackBase {
  event: 'pie';
  menuResult: MenuResult;
}

export type NotifyType = 'recording_finished' | 'recording_available' | 'transcription_available' | 'callingerror' | 'amd' | 'amd_beep' | (string & {});

export interface NotifyEvent extends Omit<CallbackBase, 'callId'> {
  event: 'notify';
  callId?: string;
  type: NotifyType;
  destination?: string;
  errorCode?: number;
  errorMsg?: string;
  amd?: AmdResult;
}

export type CallbackEvent = IceEvent | AceEvent | DiceEvent | PieEvent | NotifyEvent;
export type CallbackEventName = CallbackEvent['event'];

type Json = Record<string, unknown>;

// `at` prefixes nested fields so errors name them in full ("to.endpoint", "menuResult.type").
function str(body: Json, field: string, at = ''): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new CallbackParseError(`${at}${field} must be a string`, `${at}${field}`);
  return value;
}

function int(body: Json, field: string, at = ''): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new CallbackParseError(`${at}${field} must be an integer`, `${at}${field}`);
  }
  return n;
}

function money(body: Json, field: string): Money | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const parsed = toMoney(value);
  if (!parsed) throw new CallbackParseError(`${field} must be { currencyId, amount } with a decimal amount`, field);
  return parsed;
}

function timestamp(body: Json): Date | undefined {
  const value = str(body, 'timestamp');
  if (value === undefined) return undefined;
  // The spec's timeStamp has no zone ("2023-04-21T14:45:51") and is UTC.
  const date = parseSinchTimestamp(value);
  if (!date) throw new CallbackParseError(`timestamp "${value}" is not an ISO-8601 date-time`, 'timestamp');
  return date;
}

// Sinch writes PSTN numbers in callbacks as digits without the plus (ICE `cli`, DiCE `from` and `to.endpoint`;
// the ICE `to` of type `did` keeps it). Matching, routing, do-not-call and caps work on E.164, so every number is
// normalised here; anything else ("private", a username, a SIP URI) is kept as sent. `raw` keeps the payload.
const PSTN_DIGITS = /^\+?[1-9]\d{6,14}$/;
const PSTN_TYPES = new Set(['number', 'did', 'pstn']);

export function callbackNumber(value: string): string {
  return PSTN_DIGITS.test(value) ? (value.startsWith('+') ? value : `+${value}`) : value;
}

function destination(body: Json, field: string): CallbackDestination | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new CallbackParseError(`${field} must be an object`, field);
  const type = str(value, 'type', `${field}.`) ?? '';
  const endpoint = str(value, 'endpoint', `${field}.`) ?? '';
  return { type, endpoint: PSTN_TYPES.has(type.toLowerCase()) ? callbackNumber(endpoint) : endpoint };
}

function number(body: Json, field: string): string | undefined {
  const value = str(body, field);
  return value === undefined ? undefined : callbackNumber(value);
}

function callHeaders(body: Json): CallHeader[] | undefined {
  const value = body.callHeaders;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new CallbackParseError('callHeaders must be an array', 'callHeaders');
  return value.map((h: unknown, i) => {
    const at = `callHeaders[${i}].`;
    if (!isRecord(h)) throw new CallbackParseError(`callHeaders[${i}] must be an object`, `callHeaders[${i}]`);
    return { key: str(h, 'key', at) ?? '', value: str(h, 'value', at) ?? '' };
  });
}

function amd(body: Json): AmdResult | undefined {
  const value = body.amd;
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new CallbackParseError('amd must be an object', 'amd');
  const status = str(value, 'status', 'amd.');
  if (status === undefined) throw new CallbackParseError('amd.status is required', 'amd.status');
  return withoutUndefined({ status, reason: str(value, 'reason', 'amd.'), duration: int(value, 'duration', 'amd.') });
}

// The docs and SDK spell it `callid`, the OpenAPI examples `callId`.
function callIdOf(body: Json): string | undefined {
  const camel = str(body, 'callId');
  const lower = str(body, 'callid');
  if (camel !== undefined && lower !== undefined && camel !== lower) {
    throw new CallbackParseError('callId and callid disagree', 'callId');
  }
  return camel ?? lower;
}

function requiredCallId(body: Json): string {
  const id = callIdOf(body);
  if (!id) throw new CallbackParseError('callId is required', 'callId');
  return id;
}

function base(body: Json): Omit<CallbackBase, 'callId'> {
  return {
    timestamp: timestamp(body),
    version: int(body, 'version'),
    custom: str(body, 'custom'),
    applicationKey: str(body, 'applicationKey'),
    user: str(body, 'user'),
    raw: body,
  };
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

function parseMenuResult(body: Json): MenuResult {
  const value = body.menuResult;
  if (!isRecord(value)) throw new CallbackParseError('menuResult is required for pie', 'menuResult');
  const at = 'menuResult.';
  const type = str(value, 'type', at);
  if (!type) throw new CallbackParseError('menuResult.type is required', 'menuResult.type');
  return withoutUndefined({
    type: type.toLowerCase(),
    value: str(value, 'value', at),
    menuId: str(value, 'menuId', at),
    inputMethod: str(value, 'inputMethod', at),
  });
}

export function parseCallbackEvent(body: unknown): CallbackEvent {
  if (!isRecord(body)) throw new CallbackParseError('callback body must be a JSON object');
  const event = str(body, 'event')?.toLowerCase();
  switch (event) {
    case 'ice':
      return withoutUndefined<IceEvent>({
        event,
        callId: requiredCallId(body),
        ...base(body),
        callResourceUrl: str(body, 'callResourceUrl'),
        userRate: money(body, 'userRate'),
        // An app (mxp) caller's cli is a user id, which may be all digits: only PSTN callers' are numbers.
        cli: str(body, 'domain')?.toLowerCase() === 'mxp' ? str(body, 'cli') : number(body, 'cli'),
        to: destination(body, 'to'),
        domain: str(body, 'domain'),
        originationType: str(body, 'originationType'),
        duration: int(body, 'duration'),
        rdnis: str(body, 'rdnis'),
        callHeaders: callHeaders(body),
      });
    case 'ace':
      return withoutUndefined<AceEvent>({ event, callId: requiredCallId(body), ...base(body), amd: amd(body) });
    case 'dice':
      return withoutUndefined<DiceEvent>({
        event,
        callId: requiredCallId(body),
        ...base(body),
        // "N/A" is the spec's own "not applicable" value, used when Sinch leaves the field out.
        result: str(body, 'result') ?? 'N/A',
        reason: str(body, 'reason') ?? 'N/A',
        duration: int(body, 'duration'),
        debit: money(body, 'debit'),
        userRate: money(body, 'userRate'),
        to: destination(body, 'to'),
        from: number(body, 'from'),
        callHeaders: callHeaders(body),
      });
    case 'pie':
      return withoutUndefined<PieEvent>({
        event,
        callId: requiredCallId(body),
        ...base(body),
        menuResult: parseMenuResult(body),
      });
    case 'notify': {
      const type = str(body, 'type');
      if (!type) throw new CallbackParseError('type is required for notify', 'type');
      return withoutUndefined<NotifyEvent>({
        event,
        callId: callIdOf(body),
        ...base(body),
        type,
        destination: str(body, 'destination'),
        errorCode: int(body, 'errorCode'),
        errorMsg: str(body, 'errorMsg'),
        amd: amd(body),
      });
    }
    case undefined:
      throw new CallbackParseError('event is required', 'event');
    default:
      throw new CallbackParseError(`unknown event "${event}"`, 'event');
  }
}
