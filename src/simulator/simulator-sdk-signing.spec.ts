import { generateAuthorizationHeader, SigningRequest, validateAuthenticationHeader, XTimestampRequest } from '@sinch/sdk-core';
import { http, TEST_KEY, TEST_SECRET, tts, useSimulator, type Received } from 'src/simulator/simulator.test-kit';

// The simulator signs callbacks and checks REST signatures with the service's own src/sinch/signing.ts, so a bug
// shared by both sides would pass every other test. Here the official SDK's helpers sit on the other side.

// Golden vector from Sinch's callback-signing documentation (/work/shared/sinch/README.md). The SDK's own test
// vectors carry a doubled "x-timestamp:" prefix and are not used.
const GOLDEN = {
  key: '669E367E-6BBA-48AB-AF15-266871C28135',
  secret: 'BeIukql3pTKJ8RGL5zo0DA==',
  path: '/sinch/callback/ace',
  body: '{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257","timestamp":"2014-09-24T10:59:41Z","version":1}',
  headers: {
    'content-type': 'application/json',
    'x-timestamp': '2014-09-24T10:59:41Z',
    authorization: 'Application 669E367E-6BBA-48AB-AF15-266871C28135:Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4=',
  },
};

const sdkValidates = (cb: Received, secret = TEST_SECRET): boolean => validateAuthenticationHeader(TEST_KEY, secret, cb.headers, cb.rawBody, cb.path, 'POST');

describe('the official SDK, called as we call it below', () => {
  it('validates the documented golden vector', () => {
    const { key, secret, path, body, headers } = GOLDEN;
    expect(validateAuthenticationHeader(key, secret, headers, body, path, 'POST')).toBe(true);
    expect(generateAuthorizationHeader('POST', body, 'application/json', `x-timestamp:${headers['x-timestamp']}`, path, key, secret)).toBe(
      headers.authorization,
    );
  });

  it('rejects the golden vector with a changed body, path or secret', () => {
    const { key, secret, path, body, headers } = GOLDEN;
    expect(validateAuthenticationHeader(key, secret, headers, body.replace('"version":1', '"version":2'), path, 'POST')).toBe(false);
    expect(validateAuthenticationHeader(key, secret, headers, body, '/sinch/callback/dice', 'POST')).toBe(false);
    expect(validateAuthenticationHeader(key, TEST_SECRET, headers, body, path, 'POST')).toBe(false);
  });
});

const suite = useSimulator();

describe('callbacks the simulator sends pass the SDK validator', () => {
  const expectAllValid = (callbacks: Received[]): void => {
    for (const cb of callbacks) {
      expect({ event: cb.event, ours: cb.signatureOk, sdk: sdkValidates(cb) }).toEqual({ event: cb.event, ours: true, sdk: true });
      // A validator that accepts anything would pass the line above: the wrong secret must fail.
      expect(sdkValidates(cb, Buffer.from('some other secret').toString('base64'))).toBe(false);
    }
  };

  it('ACE and DiCE of an answered callout', async () => {
    const placed = await http(suite.sim.url, 'POST', '/calling/v1/callouts', tts('+14045007001', { enableAce: true, enableDice: true }));
    expect(placed.status).toBe(200);
    const { callId } = placed.body as { callId: string };
    await suite.receiver.waitForEvent(callId, 'dice');
    const callbacks = suite.receiver.forCall(callId);
    expect(callbacks.map((cb) => cb.event)).toEqual(expect.arrayContaining(['ace', 'dice']));
    expectAllValid(callbacks);
  });

  it('ICE and DiCE of an inbound call', async () => {
    const { callId } = (await http(suite.sim.url, 'POST', '/_sim/inbound', { from: '+46701112233', to: '+15550100001' }, 'none')).body;
    await suite.receiver.waitForEvent(callId, 'dice');
    const callbacks = suite.receiver.forCall(callId);
    expect(callbacks.map((cb) => cb.event)).toEqual(expect.arrayContaining(['ice', 'dice']));
    expectAllValid(callbacks);
  });
});

// The SDK does not export its request type; its plugins' own parameter type is the same thing.
type RequestOptions = Parameters<ReturnType<SigningRequest['load']>['transform']>[0];

// Headers for a request as the SDK's Voice client builds them: its x-timestamp plugin, then its signing plugin.
async function sdkHeaders(method: string, path: string, body: string | undefined, secret = TEST_SECRET): Promise<Record<string, string>> {
  // The SDK types its options on node-fetch's RequestInit and Headers; the global Headers behaves the same for the
  // get/append its plugins call.
  const request = {
    method,
    path,
    body,
    hostname: suite.sim.url,
    headers: new Headers({ 'Content-Type': 'application/json', Accept: 'application/json' }),
  } as unknown as RequestOptions;
  const stamped = await new XTimestampRequest().load().transform(request);
  const signed = await new SigningRequest(TEST_KEY, secret).load().transform(stamped);
  expect(signed.headers.get('authorization')).toMatch(/^Application /);
  return Object.fromEntries((signed.headers as unknown as Headers).entries());
}

async function sdkSigned(method: string, path: string, payload?: unknown, secret?: string) {
  const body = payload === undefined ? undefined : JSON.stringify(payload);
  return http(suite.sim.url, method, path, body, { header: await sdkHeaders(method, path, body, secret) });
}

describe('the simulator accepts REST requests signed by the SDK', () => {
  it('POST with a body, GET and PATCH on the Calling API, and the management API', async () => {
    await http(suite.sim.url, 'PUT', '/_sim/rules', { rules: [{ match: '+14045007002', outcome: 'answered', ringTimeS: 100 }] }, 'none');
    const placed = await sdkSigned('POST', '/calling/v1/callouts', tts('+14045007002'));
    expect(placed.status).toBe(200);
    const { callId } = placed.body as { callId: string };
    const call = await sdkSigned('GET', `/calling/v1/calls/id/${callId}`);
    expect(call).toMatchObject({ status: 200, body: { callId } });
    const hangup = await sdkSigned('PATCH', `/calling/v1/calls/id/${callId}`, { instructions: [], action: { name: 'hangup' } });
    expect(hangup.status).toBe(204);
    expect((await sdkSigned('GET', '/v1/configuration/numbers')).status).toBe(200);
  });

  it('and still rejects an SDK-signed request made with another secret, or whose body changed after signing', async () => {
    const body = JSON.stringify(tts('+14045007003'));
    const other = Buffer.from('some other secret').toString('base64');
    const wrongSecret = await http(suite.sim.url, 'POST', '/calling/v1/callouts', body, {
      header: await sdkHeaders('POST', '/calling/v1/callouts', body, other),
    });
    expect(wrongSecret).toMatchObject({ status: 401, body: { errorCode: 40102 } });
    const tampered = await http(suite.sim.url, 'POST', '/calling/v1/callouts', body.replace('+14045007003', '+14045007004'), {
      header: await sdkHeaders('POST', '/calling/v1/callouts', body),
    });
    expect(tampered).toMatchObject({ status: 401, body: { errorCode: 40102 } });
  });
});
