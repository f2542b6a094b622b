import type { CallbackDestination } from 'src/sinch/callback-events';
import { isRecord } from 'src/sinch/json';
import { parseSinchTimestamp } from 'src/sinch/signing';
import { SinchApiError } from 'src/sinch/sinch-errors';
import { toMoney } from 'src/sinch/sinch-money';
import type { CallInformation, CallbackUrls, CalloutResponse, ConferenceInfo, NumberInformation, NumberQueryResult } from 'src/sinch/voice-client.types';

// Response bodies are read defensively: Sinch's docs disagree with themselves on spellings (callId/callid) and on
// money (an object in the OpenAPI, a string in calls-endpoint.md), so unknown shapes become undefined, not crashes.

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

function unexpected(what: string, body: unknown): SinchApiError {
  return new SinchApiError({
    kind: 'http',
    status: 200,
    retryable: false,
    body,
    message: `Sinch answered ${what} with an unexpected body`,
  });
}

function destination(v: unknown): CallbackDestination | undefined {
  if (!isRecord(v)) return undefined;
  return { type: str(v.type) ?? '', endpoint: str(v.endpoint) ?? '' };
}

export function toCalloutResponse(body: unknown): CalloutResponse {
  const callId = isRecord(body) ? (str(body.callId) ?? str(body.callid)) : undefined;
  // The call may exist even so; the caller reconciles by DiCE or call logs rather than retrying blindly.
  if (!callId) throw unexpected('the callout', body);
  return { callId };
}

export function toCallInformation(body: unknown): CallInformation {
  if (!isRecord(body)) throw unexpected('GET call', body);
  const timestamp = str(body.timestamp);
  return compact<CallInformation>({
    callId: str(body.callId) ?? str(body.callid),
    from: destination(body.from),
    to: destination(body.to),
    domain: str(body.domain),
    duration: num(body.duration),
    status: str(body.status),
    result: str(body.result),
    reason: str(body.reason),
    timestamp: timestamp === undefined ? undefined : parseSinchTimestamp(timestamp),
    custom: str(body.custom) ?? (isRecord(body.custom) ? JSON.stringify(body.custom) : undefined),
    userRate: toMoney(body.userRate),
    debit: toMoney(body.debit),
    raw: body,
  });
}

export function toConferenceInfo(body: unknown): ConferenceInfo {
  if (body === undefined) return { participants: [] };
  if (!isRecord(body)) throw unexpected('GET conference', body);
  const list = Array.isArray(body.participants) ? body.participants : [];
  return {
    participants: list.filter(isRecord).map((p) =>
      compact({
        cli: str(p.cli),
        id: str(p.id) ?? '',
        duration: num(p.duration),
        muted: bool(p.muted),
        onhold: bool(p.onhold),
      }),
    ),
  };
}

export function toNumbers(body: unknown): NumberInformation[] {
  if (body === undefined) return [];
  if (!isRecord(body)) throw unexpected('GET numbers', body);
  const list = Array.isArray(body.numbers) ? body.numbers : [];
  return list.filter(isRecord).map((n) => compact({ number: str(n.number) ?? '', applicationKey: str(n.applicationkey), capability: str(n.capability) }));
}

export function toCallbackUrls(body: unknown): CallbackUrls {
  if (body === undefined) return {};
  if (!isRecord(body)) throw unexpected('GET callbacks', body);
  const url = isRecord(body.url) ? body.url : {};
  return compact({ primary: str(url.primary), fallback: str(url.fallback) });
}

export function toNumberQuery(body: unknown): NumberQueryResult {
  if (!isRecord(body) || !isRecord(body.number)) throw unexpected('the number query', body);
  const n = body.number;
  return compact<NumberQueryResult>({
    countryId: str(n.countryId),
    numberType: str(n.numberType),
    normalizedNumber: str(n.normalizedNumber),
    restricted: bool(n.restricted),
    rate: toMoney(n.rate),
  });
}
