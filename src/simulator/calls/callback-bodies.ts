import { moneyAmount } from 'src/simulator/calls/billing';
import { bodyTimestamp } from 'src/simulator/calls/callback-sender';
import type { SimCall } from 'src/simulator/simulator.types';

// Callback bodies as the OpenAPI webhooks and the SDK's request types describe them. The call id is spelled
// `callid` (SDK types, callback-api.md); timestamps are UTC without a zone, as Sinch sends them.

export interface Money {
  currencyId: string;
  amount: number;
}

export const money = (currency: string, micro: bigint): Money => ({ currencyId: currency, amount: moneyAmount(micro) });

// Numbers as Sinch writes them in callbacks: PSTN numbers as digits without the plus (the OpenAPI examples and
// the official SDKs' fixtures: ICE cli "31639136121", DiCE from and to.endpoint "3197121281500"); only the ICE
// `to` of type did keeps its plus. "private", user names and SIP URIs are left alone.
export function sinchDigits(value: string): string {
  return /^\+[1-9]\d{6,14}$/.test(value) ? value.slice(1) : value;
}

const PSTN_TYPES = new Set(['number', 'did', 'pstn']);

function destination(to: SimCall['to'], keepDidPlus: boolean): SimCall['to'] {
  const type = to.type.toLowerCase();
  if (!PSTN_TYPES.has(type) || (keepDidPlus && type === 'did')) return to;
  return { ...to, endpoint: sinchDigits(to.endpoint) };
}

function base(event: string, call: SimCall, applicationKey: string): Record<string, unknown> {
  return {
    event,
    callid: call.callId,
    timestamp: bodyTimestamp(),
    version: 1,
    ...(call.custom !== undefined ? { custom: call.custom } : {}),
    applicationKey,
  };
}

export function iceBody(call: SimCall, applicationKey: string, currency: string, baseUrl: string): object {
  return {
    ...base('ice', call, applicationKey),
    callResourceUrl: `${baseUrl}/calling/v1/calls/id/${call.callId}`,
    userRate: money(currency, call.rate.perMinuteMicro),
    cli: call.domain === 'pstn' ? sinchDigits(call.cli) : call.cli,
    to: destination(call.to, true),
    domain: call.domain,
    // The redirecting number; Sinch sends an empty string when the call was not forwarded to us.
    rdnis: '',
    ...(call.origin === 'inbound' ? { originationType: 'PSTN' } : {}),
  };
}

export function aceBody(call: SimCall, applicationKey: string): object {
  return { ...base('ace', call, applicationKey), ...(call.amd ? { amd: call.amd } : {}) };
}

export function diceBody(call: SimCall, applicationKey: string, currency: string): object {
  return {
    ...base('dice', call, applicationKey),
    reason: call.reason,
    result: call.result,
    debit: money(currency, call.debitMicro),
    userRate: money(currency, call.rate.perMinuteMicro),
    to: destination(call.to, false),
    // callback-api.md: duration "may not be present" when the call was not answered.
    ...(call.durationS !== undefined ? { duration: call.durationS } : {}),
    from: sinchDigits(call.cli),
  };
}

export interface MenuResult {
  menuId: string;
  type: 'return' | 'sequence' | 'timeout' | 'invalidinput' | 'hangup' | 'error';
  value: string;
  inputMethod: 'dtmf';
}

export function pieBody(call: SimCall, applicationKey: string, menuResult: MenuResult): object {
  return { ...base('pie', call, applicationKey), menuResult };
}

export function notifyBody(call: SimCall, applicationKey: string, type: string, extra: Record<string, unknown> = {}): object {
  return {
    event: 'notify',
    callid: call.callId,
    version: 1,
    type,
    ...(call.custom !== undefined ? { custom: call.custom } : {}),
    applicationKey,
    ...extra,
  };
}
