import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignedRequest } from 'src/sinch/signing';
import { SinchApiError } from 'src/sinch/sinch-errors';
import { svaml, buildSvaml } from 'src/sinch/svaml/svaml.builders';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { SvamlValidationError } from 'src/sinch/svaml/svaml.validator';
import { SINCH_MANAGEMENT_URL, SinchRequestValidationError, SinchVoiceClient, regionVoiceUrl, type SinchClientOptions } from 'src/sinch/voice-client';

// A real HTTP server on a random port that records every request and answers from a script.
interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  json: unknown;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  hang?: boolean;
}

const KEY = '5c0b2a1e-0f4b-4c55-9c1b-2d7c58a0c001';
const SECRET = Buffer.from('a sixteen byte k').toString('base64');

let server: Server;
let baseUrl: string;
let recorded: Recorded[] = [];
let replies: Reply[] = [];
const clients: SinchVoiceClient[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      recorded.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        raw,
        json: raw.length ? JSON.parse(raw.toString('utf8')) : undefined,
      });
      const reply = replies.shift() ?? { status: 204 };
      if (reply.hang) return;
      const payload = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, { ...(payload ? { 'content-type': 'application/json' } : {}), ...reply.headers });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  recorded = [];
  replies = [];
});

function client(overrides: Partial<SinchClientOptions> = {}): SinchVoiceClient {
  const c = new SinchVoiceClient({
    voiceUrl: baseUrl,
    managementUrl: `${baseUrl}/mgmt`,
    applicationKey: KEY,
    applicationSecret: SECRET,
    timeoutMs: 2000,
    ...overrides,
  });
  clients.push(c);
  return c;
}

function only(): Recorded {
  expect(recorded).toHaveLength(1);
  return recorded[0];
}

// What the service's own verifier says of a recorded request, signed with the test credentials.
function verified(req: Recorded, options: { maxSkewSeconds?: number; allowBasic?: boolean }) {
  return verifySignedRequest({
    method: req.method,
    path: req.path,
    headers: req.headers,
    rawBody: req.raw,
    credentials: [{ applicationKey: KEY, applicationSecret: SECRET }],
    ...options,
  });
}

function expectSigned(req: Recorded): void {
  expect(verified(req, { maxSkewSeconds: 30 })).toEqual({ ok: true, applicationKey: KEY });
  expect(req.headers['x-timestamp']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
}

function expectRequest(method: string, path: string, json?: unknown): Recorded {
  const req = only();
  expect(req.method).toBe(method);
  expect(req.path).toBe(path);
  expect(req.json).toEqual(json);
  expect(req.headers['content-type']).toBe(json === undefined ? undefined : 'application/json');
  expectSigned(req);
  return req;
}

const destination = { type: 'number', endpoint: '+14045005000' } as const;

describe('SinchVoiceClient operations', () => {
  it('ttsCallout posts the tts method', async () => {
    replies.push({ status: 200, body: { callId: 'adf92089-df2a-4f14-a377-1e975f588fe4' } });
    const request = { cli: '+14045001000', destination, locale: 'en-US', text: 'Hello, this is a call from Sinch.' };
    await expect(client().ttsCallout(request)).resolves.toEqual({ callId: 'adf92089-df2a-4f14-a377-1e975f588fe4' });
    expectRequest('POST', '/calling/v1/callouts', { method: 'ttsCallout', ttsCallout: request });
  });

  it('conferenceCallout posts the conference method', async () => {
    replies.push({ status: 200, body: { callId: 'c-1' } });
    const request = { cli: '+14045001000', destination, conferenceId: 'MyConfId', locale: 'en-US', greeting: 'Welcome', enableDice: true };
    await expect(client().conferenceCallout(request)).resolves.toEqual({ callId: 'c-1' });
    expectRequest('POST', '/calling/v1/callouts', { method: 'conferenceCallout', conferenceCallout: request });
  });

  it('customCallout sends inline SVAML as canonical JSON strings and URLs as they are', async () => {
    replies.push({ status: 200, body: { callid: 'c-2' } });
    const ice = { action: { name: 'ConnectPstn', number: '+12233445566', cli: '+12234325234' } } as unknown as Svaml;
    const ace = buildSvaml(svaml.hangup(), svaml.say('Hello, this is a call from Sinch!'));
    const pie = 'https://example.com/sinch/pie';
    await expect(client().customCallout({ ice, ace, pie, custom: 'campaign-7' })).resolves.toEqual({ callId: 'c-2' });
    const req = expectRequest('POST', '/calling/v1/callouts', {
      method: 'customCallout',
      customCallout: { ice: expect.any(String), ace: expect.any(String), pie, custom: 'campaign-7' },
    });
    const sent = (req.json as { customCallout: { ice: string; ace: string } }).customCallout;
    expect(JSON.parse(sent.ice)).toEqual({ action: { name: 'connectPstn', number: '+12233445566', cli: '+12234325234' } });
    expect(JSON.parse(sent.ace)).toEqual(ace);
  });

  it('getCall reads the call and normalises money, time and the id', async () => {
    replies.push({
      status: 200,
      body: {
        from: { type: 'number', endpoint: '+46708168731' },
        to: { type: 'number', endpoint: '+46708168732' },
        domain: 'pstn',
        callId: 'call-1',
        duration: 37,
        status: 'FINAL',
        result: 'ANSWERED',
        reason: 'CALLEEHANGUP',
        timestamp: '2019-08-24T14:15:22Z',
        custom: 'x',
        userRate: { currencyId: 'USD', amount: 0.368 },
        debit: { currencyId: 'USD', amount: 0.2208 },
      },
    });
    const info = await client().getCall('call-1');
    expectRequest('GET', '/calling/v1/calls/id/call-1');
    expect(info).toMatchObject({
      callId: 'call-1',
      duration: 37,
      status: 'FINAL',
      result: 'ANSWERED',
      reason: 'CALLEEHANGUP',
      timestamp: new Date('2019-08-24T14:15:22Z'),
      to: { type: 'number', endpoint: '+46708168732' },
      userRate: { currency: 'USD', amount: '0.368' },
      debit: { currency: 'USD', amount: '0.2208' },
    });
  });

  it('manageCall patches validated SVAML', async () => {
    const doc = buildSvaml(svaml.park({ holdPrompt: '#tts[Please wait]', maxDuration: 180 }), svaml.sendDtmf('1234#'));
    await client().manageCall('call-1', doc);
    expectRequest('PATCH', '/calling/v1/calls/id/call-1', doc);
  });

  it('manageCall refuses SVAML that ManageCall does not accept, without a request', async () => {
    await expect(client().manageCall('call-1', buildSvaml(svaml.connectPstn('+46701234567')))).rejects.toThrow(SvamlValidationError);
    expect(recorded).toHaveLength(0);
  });

  it('manageCallLeg patches the leg with say/playFiles only', async () => {
    replies.push({ status: 200, body: { content: '200 Successful response' } });
    const doc = buildSvaml(svaml.hangup(), svaml.say('Hello, the call is over, hanging up now. Goodbye', 'en-US'));
    await client().manageCallLeg('call-1', 'callee', doc);
    expectRequest('PATCH', '/calling/v1/calls/id/call-1/leg/callee', doc);
    await expect(client().manageCallLeg('call-1', 'both', buildSvaml(undefined, svaml.sendDtmf('1')))).rejects.toThrow(SvamlValidationError);
    expect(recorded).toHaveLength(1);
  });

  it('getConference lists participants', async () => {
    replies.push({
      status: 200,
      body: { participants: [{ cli: '+46708168731', id: 'myConfId1', duration: 14, muted: false, onhold: false }] },
    });
    await expect(client().getConference('MyConfId')).resolves.toEqual({
      participants: [{ cli: '+46708168731', id: 'myConfId1', duration: 14, muted: false, onhold: false }],
    });
    expectRequest('GET', '/calling/v1/conferences/id/MyConfId');
  });

  it('kickConferenceAll deletes the conference', async () => {
    await client().kickConferenceAll('MyConfId');
    expectRequest('DELETE', '/calling/v1/conferences/id/MyConfId');
  });

  it('kickConferenceParticipant deletes one participant', async () => {
    replies.push({ status: 200, body: { content: '200 Successful response' } });
    await client().kickConferenceParticipant('MyConfId', 'call-9');
    expectRequest('DELETE', '/calling/v1/conferences/id/MyConfId/call-9');
  });

  it('manageConferenceParticipant patches the command', async () => {
    replies.push({ status: 200, body: { content: 'Successful response' } });
    await client().manageConferenceParticipant('MyConfId', 'call-9', { command: 'onhold', moh: 'music1' });
    expectRequest('PATCH', '/calling/v1/conferences/id/MyConfId/call-9', { command: 'onhold', moh: 'music1' });
    await expect(client().manageConferenceParticipant('MyConfId', 'call-9', { command: 'mute', moh: 'ring' })).rejects.toThrow(SinchRequestValidationError);
  });

  it('escapes path values but keeps a leading +', async () => {
    await client().kickConferenceAll('room 1/a');
    expect(only().path).toBe('/calling/v1/conferences/id/room%201%2Fa');
    expectSigned(only());
  });

  it('listNumbers reads the management host (path prefix included in the signature)', async () => {
    replies.push({
      status: 200,
      body: {
        numbers: [
          { number: '+14151112223333', applicationkey: '2457b630', capability: 'voice' },
          { number: '+1415', capability: 'voice' },
        ],
      },
    });
    await expect(client().listNumbers()).resolves.toEqual([
      { number: '+14151112223333', applicationKey: '2457b630', capability: 'voice' },
      { number: '+1415', capability: 'voice' },
    ]);
    expectRequest('GET', '/mgmt/v1/configuration/numbers');
  });

  it('assignNumbers posts the numbers', async () => {
    await client().assignNumbers({ numbers: ['+14151112223333'], applicationKey: 'app-2', capability: 'voice' });
    expectRequest('POST', '/mgmt/v1/configuration/numbers', {
      numbers: ['+14151112223333'],
      applicationkey: 'app-2',
      capability: 'voice',
    });
    await expect(client().assignNumbers({ numbers: [] })).rejects.toThrow(SinchRequestValidationError);
  });

  it('unassignNumber deletes with a body', async () => {
    await client().unassignNumber({ number: '+14151112223333' });
    expectRequest('DELETE', '/mgmt/v1/configuration/numbers', { number: '+14151112223333' });
  });

  it('getCallbackUrls defaults to our application key', async () => {
    replies.push({ status: 200, body: { url: { primary: 'http://primarycallback.com', fallback: 'http://fallbackcallback.com' } } });
    await expect(client().getCallbackUrls()).resolves.toEqual({
      primary: 'http://primarycallback.com',
      fallback: 'http://fallbackcallback.com',
    });
    expectRequest('GET', `/mgmt/v1/configuration/callbacks/applications/${KEY}`);
  });

  it('updateCallbackUrls posts the urls', async () => {
    await client().updateCallbackUrls({ primary: 'https://cc.example.com/sinch/callback' }, 'other-app');
    expectRequest('POST', '/mgmt/v1/configuration/callbacks/applications/other-app', {
      url: { primary: 'https://cc.example.com/sinch/callback' },
    });
  });

  it('queryNumber reads number details', async () => {
    replies.push({
      status: 200,
      body: {
        number: { countryId: 'SE', numberType: 'Mobile', normalizedNumber: '+46730170101', restricted: false, rate: { currencyId: 'USD', amount: 0.368 } },
      },
    });
    await expect(client().queryNumber('+46730170101')).resolves.toEqual({
      countryId: 'SE',
      numberType: 'Mobile',
      normalizedNumber: '+46730170101',
      restricted: false,
      rate: { currency: 'USD', amount: '0.368' },
    });
    expectRequest('GET', '/mgmt/v1/calling/query/number/+46730170101');
  });

  it('can authenticate with Basic', async () => {
    await client({ auth: 'basic' }).kickConferenceAll('r');
    const req = only();
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`);
    expect(verified(req, { allowBasic: true }).ok).toBe(true);
  });

  it('refuses an invalid callout before sending', async () => {
    const request = { destination: { type: 'number' as const, endpoint: '4045005000' }, text: 'x'.repeat(601) };
    const error = await client()
      .ttsCallout(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinchRequestValidationError);
    expect((error as SinchRequestValidationError).violations.map((v) => v.rule)).toEqual(['e164', 'max_length']);
    expect(recorded).toHaveLength(0);
  });
});

describe('SinchVoiceClient failures', () => {
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as SinchApiError,
    );

  it('429 with Retry-After is retryable with a delay', async () => {
    replies.push({ status: 429, headers: { 'retry-after': '3' }, body: { status: '429 CapacityExceeded', errorCode: 42900, message: 'capacity' } });
    const error = await failure(client().getCall('c'));
    expect(error).toBeInstanceOf(SinchApiError);
    expect(error).toMatchObject({ kind: 'http', status: 429, errorCode: 42900, retryable: true, retryAfterMs: 3000 });
  });

  it('503 is retryable', async () => {
    replies.push({ status: 503, body: { errorCode: 50300, message: 'Service temporarily unavailable' } });
    expect(await failure(client().getCall('c'))).toMatchObject({ kind: 'http', status: 503, errorCode: 50300, retryable: true });
  });

  it('400 with errorCode 40001 is final', async () => {
    replies.push({ status: 400, body: { status: '400 ParameterValidation', errorCode: 40001, message: 'Method needs to be ...', reference: 'ref-1' } });
    expect(await failure(client().ttsCallout({ destination, text: 'hi' }))).toMatchObject({
      kind: 'http',
      status: 400,
      errorCode: 40001,
      reference: 'ref-1',
      retryable: false,
    });
  });

  it('a server that never answers is a retryable timeout', async () => {
    replies.push({ status: 200, hang: true });
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 200 }).getCall('c'));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('connection refused is a retryable network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(client({ voiceUrl: `http://127.0.0.1:${port}` }).getCall('c'));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error?.message).toContain('ECONNREFUSED');
  });

  it('a 2xx callout without a call id is a final error', async () => {
    replies.push({ status: 200, body: {} });
    expect(await failure(client().ttsCallout({ destination, text: 'hi' }))).toMatchObject({ kind: 'http', retryable: false });
  });

  it('close() is idempotent', async () => {
    const c = client();
    await c.close();
    await expect(c.close()).resolves.toBeUndefined();
  });
});

describe('hosts', () => {
  it('maps regions to the documented hosts', () => {
    expect(regionVoiceUrl()).toBe('https://calling.api.sinch.com');
    expect(regionVoiceUrl('global')).toBe('https://calling.api.sinch.com');
    expect(regionVoiceUrl('EUC1')).toBe('https://calling-euc1.api.sinch.com');
    expect(regionVoiceUrl('use1')).toBe('https://calling-use1.api.sinch.com');
    expect(regionVoiceUrl('sae1')).toBe('https://calling-sae1.api.sinch.com');
    expect(regionVoiceUrl('apse1')).toBe('https://calling-apse1.api.sinch.com');
    expect(regionVoiceUrl('apse2')).toBe('https://calling-apse2.api.sinch.com');
    expect(() => regionVoiceUrl('mars1')).toThrow(/Unknown Sinch region/);
    expect(SINCH_MANAGEMENT_URL).toBe('https://callingapi.sinch.com');
  });
});
