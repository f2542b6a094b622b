import { Client } from 'pg';
import { encodeCallCustom } from 'src/calls/call-custom';
import { CallsService } from 'src/calls/calls.service';
import { applicationAuthorization, signRequest } from 'src/sinch/signing';
import { EMBEDDED_SIMULATOR } from 'src/embedded-simulator.module';
import { SinchCredentials, WEBHOOK_PATH } from 'src/sinch/sinch.module';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import type { TestApp, TestResponse } from './test-app';
import { waitFor } from './wait-for';

// Helpers for e2e tests of the webhook and the call log: signed callbacks as Sinch sends them, the embedded
// simulator's control API, outbound calls placed the way the callouts feature places them, and SQL.

export const headerTimestamp = (at = new Date()): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');
export const bodyTimestamp = (at = new Date()): string => at.toISOString().slice(0, 19);

export interface SignOptions {
  secret?: string;
  key?: string;
  at?: Date;
  // Sign one body, send another (tampering).
  sendBody?: string;
  unsigned?: boolean;
}

export async function postCallback(t: TestApp, payload: unknown, options: SignOptions = {}): Promise<TestResponse> {
  const credentials = t.app.get(SinchCredentials).current;
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const timestamp = headerTimestamp(options.at);
  const contentType = 'application/json';
  const headers: Record<string, string> = { 'content-type': contentType, 'x-timestamp': timestamp };
  if (!options.unsigned) {
    const signature = signRequest({ method: 'POST', path: WEBHOOK_PATH, contentType, timestamp, body }, options.secret ?? credentials.applicationSecret);
    headers.authorization = applicationAuthorization(options.key ?? credentials.applicationKey, signature);
  }
  return t.request('POST', WEBHOOK_PATH, { key: null, body: options.sendBody ?? body, headers });
}

export function simUrl(t: TestApp): string {
  const sim = t.app.get<SinchSimulator | null>(EMBEDDED_SIMULATOR);
  if (!sim) throw new Error('the test app has no embedded simulator');
  return sim.url;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function sim<T = any>(t: TestApp, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(simUrl(t) + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

// A tts callout placed as the callouts feature does: a queued row, our id in `custom`, then the Sinch call id.
export async function placeTtsCallout(t: TestApp, to: string, text = 'Hello from the test'): Promise<{ id: string; sinchCallId: string }> {
  const calls = t.app.get(CallsService);
  const request = { destination: { type: 'number' as const, endpoint: to }, text, enableAce: true, enableDice: true };
  const [call] = await calls.createOutbound([{ kind: 'tts', toNumber: to, request }]);
  const { callId } = await t.app.get(SinchVoiceClient).ttsCallout({ ...request, custom: encodeCallCustom(call.id) });
  await calls.markInitiated(call.id, callId);
  return { id: call.id, sinchCallId: callId };
}

export async function createOutboundRow(t: TestApp, to = '+46701234500'): Promise<string> {
  const [call] = await t.app.get(CallsService).createOutbound([{ kind: 'tts', toNumber: to, request: { text: 'x' } }]);
  return call.id;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function sql<T = Record<string, any>>(t: TestApp, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: t.config.database.url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

export function diceBody(callId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event: 'dice',
    callid: callId,
    timestamp: bodyTimestamp(),
    version: 1,
    result: 'ANSWERED',
    reason: 'CALLEEHANGUP',
    duration: 42,
    debit: { currencyId: 'EUR', amount: 0.0123 },
    userRate: { currencyId: 'EUR', amount: 0.0175 },
    from: '+15550100001',
    to: { type: 'number', endpoint: '+46701234500' },
    ...overrides,
  };
}

let counter = 0;
export const uniqueSinchId = (): string => `e2e-${process.pid}-${Date.now()}-${++counter}`;

// waitFor for a value: resolves with the first non-empty result (typed without the `undefined` it polls past).
export async function until<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  return (await waitFor(probe, timeoutMs)) as T;
}
