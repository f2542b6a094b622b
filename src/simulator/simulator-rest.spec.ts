import { VoiceService } from '@sinch/voice';
import { applicationAuthorization, signRequest } from 'src/sinch/signing';
import { CallbackReceiver, TEST_KEY, TEST_SECRET, http, tts, useSimulator, waitUntil } from 'src/simulator/simulator.test-kit';

const suite = useSimulator();

const conf = (endpoint: string, conferenceId: string) => ({
  method: 'conferenceCallout',
  conferenceCallout: { cli: '+14045001000', destination: { type: 'number', endpoint }, conferenceId },
});

async function joined(conferenceId: string, count: number): Promise<void> {
  await waitUntil(`${count} in ${conferenceId}`, async () => {
    const r = await http(suite.sim.url, 'GET', `/calling/v1/conferences/id/${conferenceId}`);
    return r.status === 200 && r.body.participants.length === count;
  });
}

describe('Calling API', () => {
  it('places a callout and reports the call with the OpenAPI getCallResponseObj shape', async () => {
    const res = await http(suite.sim.url, 'POST', '/calling/v1/callouts', tts('+14045005001', { custom: 'c1' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ callId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const { callId } = res.body;
    const final = await waitUntil('FINAL', async () => {
      const r = await http(suite.sim.url, 'GET', `/calling/v1/calls/id/${callId}`);
      return r.body.status === 'FINAL' ? r : undefined;
    });
    expect(final.body).toEqual({
      from: { type: 'number', endpoint: '+14045001000' },
      to: { type: 'number', endpoint: '+14045005001' },
      domain: 'pstn',
      callId,
      duration: 2,
      status: 'FINAL',
      result: 'ANSWERED',
      reason: 'MANAGERHANGUP',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
      custom: 'c1',
      userRate: { currencyId: 'USD', amount: 0.0135 },
      debit: { currencyId: 'USD', amount: 0.0135 },
    });
  });

  it('manages a live call: PATCH answers 204, PATCH leg 200, and a bad leg 400', async () => {
    await http(suite.sim.url, 'PUT', '/_sim/rules', { rules: [{ match: '+1404500500*', outcome: 'answered', talkTimeS: 600 }] }, 'none');
    const { body } = await http(suite.sim.url, 'POST', '/calling/v1/callouts', conf('+14045005002', 'room-patch'));
    await joined('room-patch', 1);
    const say = { instructions: [{ name: 'say', text: 'Hello', locale: 'en-US' }], action: { name: 'continue' } };
    const leg = await http(suite.sim.url, 'PATCH', `/calling/v1/calls/id/${body.callId}/leg/caller`, say);
    expect(leg.status).toBe(200);
    const badLeg = await http(suite.sim.url, 'PATCH', `/calling/v1/calls/id/${body.callId}/leg/nobody`, say);
    expect(badLeg.status).toBe(400);
    expect(badLeg.body.errorCode).toBe(40001);
    const hangup = await http(suite.sim.url, 'PATCH', `/calling/v1/calls/id/${body.callId}`, { action: { name: 'hangup' } });
    expect(hangup.status).toBe(204);
    const ended = await waitUntil('ended', async () => {
      const r = await http(suite.sim.url, 'GET', `/calling/v1/calls/id/${body.callId}`);
      return r.body.status === 'FINAL' ? r.body : undefined;
    });
    expect(ended.reason).toBe('MANAGERHANGUP');
    const late = await http(suite.sim.url, 'PATCH', `/calling/v1/calls/id/${body.callId}`, { action: { name: 'hangup' } });
    expect(late.status).toBe(409);
  });

  it('gets a conference, manages, kicks one participant and then everyone', async () => {
    await http(suite.sim.url, 'PUT', '/_sim/rules', { rules: [{ match: '*', outcome: 'answered', talkTimeS: 600 }] }, 'none');
    const a = (await http(suite.sim.url, 'POST', '/calling/v1/callouts', conf('+46700000001', 'room-1'))).body.callId;
    const b = (await http(suite.sim.url, 'POST', '/calling/v1/callouts', conf('+46700000002', 'room-1'))).body.callId;
    await joined('room-1', 2);
    const info = await http(suite.sim.url, 'GET', '/calling/v1/conferences/id/room-1');
    expect(info.body.participants).toEqual(
      expect.arrayContaining([
        { cli: '+46700000001', id: a, duration: expect.any(Number), muted: false, onhold: false },
        { cli: '+46700000002', id: b, duration: expect.any(Number), muted: false, onhold: false },
      ]),
    );
    const hold = await http(suite.sim.url, 'PATCH', `/calling/v1/conferences/id/room-1/${a}`, { command: 'onhold', moh: 'music1' });
    expect(hold.status).toBe(200);
    const held = await http(suite.sim.url, 'GET', '/calling/v1/conferences/id/room-1');
    expect(held.body.participants.find((p: { id: string }) => p.id === a).onhold).toBe(true);
    await http(suite.sim.url, 'PATCH', `/calling/v1/conferences/id/room-1/${a}`, { command: 'resume' });
    expect((await http(suite.sim.url, 'PATCH', `/calling/v1/conferences/id/room-1/${a}`, { command: 'dance' })).status).toBe(400);

    expect((await http(suite.sim.url, 'DELETE', `/calling/v1/conferences/id/room-1/${a}`)).status).toBe(200);
    await joined('room-1', 1);
    expect((await http(suite.sim.url, 'DELETE', '/calling/v1/conferences/id/room-1')).status).toBe(204);
    expect((await http(suite.sim.url, 'GET', '/calling/v1/conferences/id/room-1')).status).toBe(404);
    const kicked = await waitUntil('kicked call final', async () => {
      const r = await http(suite.sim.url, 'GET', `/calling/v1/calls/id/${a}`);
      return r.body.status === 'FINAL' ? r.body : undefined;
    });
    expect(kicked).toMatchObject({ result: 'ANSWERED', reason: 'MANAGERHANGUP' });
  });

  it('answers 404 / 40400 for unknown calls, conferences, participants and routes', async () => {
    for (const [method, path, body] of [
      ['GET', '/calling/v1/calls/id/nope', undefined],
      ['PATCH', '/calling/v1/calls/id/nope', { action: { name: 'hangup' } }],
      ['GET', '/calling/v1/conferences/id/nope', undefined],
      ['DELETE', '/calling/v1/conferences/id/nope', undefined],
      ['PATCH', '/calling/v1/conferences/id/nope/call', { command: 'mute' }],
      ['DELETE', '/calling/v1/conferences/id/nope/call', undefined],
      ['GET', '/v1/configuration/callbacks/applications/other-app', undefined],
      ['GET', '/calling/v1/nothing-here', undefined],
    ] as const) {
      const res = await http(suite.sim.url, method, path, body);
      expect({ path, method, status: res.status, errorCode: res.body.errorCode }).toEqual({ path, method, status: 404, errorCode: 40400 });
      expect(res.body).toEqual({ status: '404 ResourceNotFound', errorCode: 40400, message: expect.any(String), reference: expect.any(String) });
    }
  });
});

describe('authentication', () => {
  const path = '/calling/v1/callouts';
  const body = JSON.stringify(tts('+14045005001'));
  const signed = (over: { timestamp?: string; key?: string; secret?: string; signedBody?: string } = {}) => {
    const timestamp = over.timestamp ?? new Date().toISOString();
    const sig = signRequest({ method: 'POST', path, contentType: 'application/json', timestamp, body: over.signedBody ?? body }, over.secret ?? TEST_SECRET);
    return { 'x-timestamp': timestamp, authorization: applicationAuthorization(over.key ?? TEST_KEY, sig) };
  };
  const cases: [string, number, Record<string, string>][] = [
    ['no Authorization header', 40100, {}],
    ['a malformed header', 40100, { authorization: 'Application no-colon-here', 'x-timestamp': new Date().toISOString() }],
    ['an unknown scheme', 40100, { authorization: 'Bearer abc' }],
    ['no x-timestamp', 40101, { authorization: signed().authorization }],
    ['an invalid x-timestamp', 40101, signed({ timestamp: 'yesterday' })],
    ['a stale x-timestamp', 40101, signed({ timestamp: new Date(Date.now() - 3_600_000).toISOString() })],
    ['a bad signature', 40102, signed({ signedBody: '{"tampered":true}' })],
    ['an unknown key', 40102, signed({ key: 'someone-else' })],
    ['a wrong Basic secret', 40102, { authorization: `Basic ${Buffer.from(`${TEST_KEY}:wrong`).toString('base64')}` }],
  ];
  it.each(cases)('rejects %s with 401 / %i', async (_name, errorCode, headers) => {
    const res = await http(suite.sim.url, 'POST', path, body, { header: { 'content-type': 'application/json', ...headers } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ status: expect.stringMatching(/^401 /), errorCode, message: expect.any(String), reference: expect.any(String) });
  });

  it('accepts Basic key:secret and a correctly signed request', async () => {
    expect((await http(suite.sim.url, 'POST', path, body, 'basic')).status).toBe(200);
    expect((await http(suite.sim.url, 'POST', path, body, { header: { 'content-type': 'application/json', ...signed() } })).status).toBe(200);
  });
});

describe('callout validation (400 / 40001, and the finer 40002 / 40003 / 40005)', () => {
  const custom = (extra: Record<string, unknown>) => ({
    method: 'customCallout',
    customCallout: { cli: '+14045001000', destination: { type: 'number', endpoint: '+14045005001' }, ...extra },
  });
  const cases: [string, unknown, RegExp][] = [
    ['TTS text over 600 characters', tts('+14045005001', { text: 'x'.repeat(601) }), /600/],
    ['conferenceId over 64 characters', conf('+14045005001', 'c'.repeat(65)), /conferenceId.*64/],
    ['an unknown method', { method: 'smsCallout', smsCallout: {} }, /ttsCallout/],
    [
      'a destination of an unknown type',
      { method: 'ttsCallout', ttsCallout: { destination: { type: 'fax', endpoint: '1' }, text: 'hi' } },
      /Invalid destination/,
    ],
    ['invalid inline ice SVAML', custom({ ice: '{"action":{"name":"continue"}}' }), /Invalid SVAML in customCallout.ice/],
    ['invalid inline ace SVAML', custom({ ace: '{"action":{"name":"fly"}}' }), /customCallout.ace/],
    ['invalid inline pie SVAML', custom({ pie: '{"instructions":[{"name":"say"}]}' }), /customCallout.pie/],
    ['ice that is neither SVAML nor a URL', custom({ ice: 'not json' }), /inline SVAML/],
    ['a body that is not JSON', '{"method":', /not valid JSON/],
  ];
  it.each(cases)('rejects %s', async (_name, body, message) => {
    const res = await http(suite.sim.url, 'POST', '/calling/v1/callouts', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: '400 ParameterValidation', errorCode: 40001 });
    expect(res.body.message).toMatch(message);
  });

  // Moved out of the table above: the spec gives these their own codes (issue 13).
  it.each([
    ['a destination without a leading +', tts('14045005001'), 40005, '400 NumberMissingLeadingPlus', /Invalid destination.*leading \+/],
    [
      'a TTS callout without text or prompts',
      { method: 'ttsCallout', ttsCallout: { destination: { type: 'number', endpoint: '+14045005001' } } },
      40002,
      '400 MissingParameter',
      /text or/,
    ],
    ['a callout without its method object', { method: 'ttsCallout' }, 40002, '400 MissingParameter', /ttsCallout is required/],
    ['no request data at all', undefined, 40003, '400 InvalidRequest', /Request data missing/],
  ])('rejects %s with %d', async (_name, body, errorCode, status, message) => {
    const res = await http(suite.sim.url, 'POST', '/calling/v1/callouts', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status, errorCode });
    expect(res.body.message).toMatch(message);
  });

  it('answers an unknown call with Sinch\'s "Call not found", the id as reference', async () => {
    const res = await http(suite.sim.url, 'GET', '/calling/v1/calls/id/no-such-call');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ status: '404 ResourceNotFound', errorCode: 40400, message: 'Call not found', reference: 'no-such-call' });
    const patch = await http(suite.sim.url, 'PATCH', '/calling/v1/calls/id/no-such-call', { action: { name: 'hangup' } });
    expect(patch.body).toMatchObject({ errorCode: 40400, message: 'Call not found', reference: 'no-such-call' });
  });

  it('takes "true" for a connectPstn amd.enabled, as the spec\'s own example sends it', async () => {
    const ice = JSON.stringify({ action: { name: 'connectPstn', number: '+14045005066', cli: '+14045001000', amd: { enabled: 'true' } } });
    const res = await http(suite.sim.url, 'POST', '/calling/v1/callouts', custom({ ice }));
    expect(res.status).toBe(200);
    const ace = await suite.receiver.waitForEvent(res.body.callId, 'ace');
    expect(ace.body.amd).toMatchObject({ status: 'machine' });
  });

  it('rejects a ManageCall PATCH whose SVAML is invalid', async () => {
    const res = await http(suite.sim.url, 'PATCH', '/calling/v1/calls/id/any', { action: { name: 'connectPstn', number: '+1555' } });
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe(40001);
  });
});

describe('application management API', () => {
  it('lists, assigns and unassigns numbers', async () => {
    const before = await http(suite.sim.url, 'GET', '/v1/configuration/numbers');
    expect(before.body.numbers).toContainEqual({ number: '+15550100001', applicationkey: TEST_KEY, capability: 'voice' });
    expect((await http(suite.sim.url, 'POST', '/v1/configuration/numbers', { numbers: ['+46101234567'], capability: 'voice' })).status).toBe(204);
    const after = await http(suite.sim.url, 'GET', '/v1/configuration/numbers');
    expect(after.body.numbers).toContainEqual({ number: '+46101234567', applicationkey: TEST_KEY, capability: 'voice' });
    expect((await http(suite.sim.url, 'DELETE', '/v1/configuration/numbers', { number: '+46101234567' })).status).toBe(204);
    const unassigned = await http(suite.sim.url, 'GET', '/v1/configuration/numbers');
    expect(unassigned.body.numbers).toContainEqual({ number: '+46101234567', capability: 'voice' });
    expect((await http(suite.sim.url, 'POST', '/v1/configuration/numbers', { numbers: [] })).status).toBe(400);
    expect((await http(suite.sim.url, 'DELETE', '/v1/configuration/numbers', { number: '+46109999999' })).status).toBe(404);
  });

  it('takes numbers into and out of the account through the control API, and describes them as owned', async () => {
    const added = await http(suite.sim.url, 'POST', '/_sim/numbers', { number: '+46101230001', countryId: 'SE', numberType: 'Fixed' }, 'none');
    expect(added.status).toBe(201);
    expect((await http(suite.sim.url, 'GET', '/v1/configuration/numbers')).body.numbers).toContainEqual({ number: '+46101230001', capability: 'voice' });
    const query = await http(suite.sim.url, 'GET', '/v1/calling/query/number/+46101230001');
    expect(query.body.number).toMatchObject({ countryId: 'SE', numberType: 'Fixed', rate: { currencyId: 'USD', amount: 0.02 } });
    expect((await http(suite.sim.url, 'GET', '/_sim/numbers', undefined, 'none')).body.numbers).toContainEqual(
      expect.objectContaining({ number: '+46101230001', countryId: 'SE' }),
    );
    expect((await http(suite.sim.url, 'DELETE', '/_sim/numbers/%2B46101230001', undefined, 'none')).status).toBe(204);
    expect((await http(suite.sim.url, 'GET', '/v1/configuration/numbers')).body.numbers).not.toContainEqual(
      expect.objectContaining({ number: '+46101230001' }),
    );
    expect((await http(suite.sim.url, 'DELETE', '/_sim/numbers/46101230001', undefined, 'none')).status).toBe(404);
    const bad = await http(suite.sim.url, 'POST', '/_sim/numbers', { number: '+46101230001', numberType: 'Pager' }, 'none');
    expect(bad).toMatchObject({ status: 400, body: { field: 'numberType' } });
  });

  it('answers a number without its plus with 40005 and a missing one with 40002', async () => {
    const noPlus = await http(suite.sim.url, 'POST', '/v1/configuration/numbers', { numbers: ['46101234567'] });
    expect(noPlus.body).toMatchObject({ status: '400 NumberMissingLeadingPlus', errorCode: 40005 });
    const missing = await http(suite.sim.url, 'DELETE', '/v1/configuration/numbers', {});
    expect(missing.body).toMatchObject({ status: '400 MissingParameter', errorCode: 40002 });
  });

  it('gets and updates callback URLs, and callbacks then go to the registered URL', async () => {
    const other = await CallbackReceiver.start('/other/path');
    try {
      const got = await http(suite.sim.url, 'GET', `/v1/configuration/callbacks/applications/${TEST_KEY}`);
      expect(got.body).toEqual({ url: { primary: suite.receiver.url } });
      const update = { url: { primary: other.url, fallback: suite.receiver.url } };
      expect((await http(suite.sim.url, 'POST', `/v1/configuration/callbacks/applications/${TEST_KEY}`, update)).status).toBe(204);
      expect((await http(suite.sim.url, 'GET', `/v1/configuration/callbacks/applications/${TEST_KEY}`)).body).toEqual(update);
      const bad = await http(suite.sim.url, 'POST', `/v1/configuration/callbacks/applications/${TEST_KEY}`, { url: { primary: 'ftp://x' } });
      expect(bad.status).toBe(400);
      const { callId } = (await http(suite.sim.url, 'POST', '/_sim/inbound', { from: '+46701112233', to: '+15550100001' }, 'none')).body;
      const ice = await other.waitForEvent(callId, 'ice');
      expect(ice.path).toBe('/other/path');
      expect(ice.signatureOk).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('queries a number', async () => {
    const res = await http(suite.sim.url, 'GET', '/v1/calling/query/number/+46701234567');
    expect(res.body).toEqual({
      number: { countryId: 'SE', numberType: 'Mobile', normalizedNumber: '+46701234567', restricted: false, rate: { currencyId: 'USD', amount: 0.02 } },
    });
    expect((await http(suite.sim.url, 'GET', '/v1/calling/query/number/12')).status).toBe(400);
  });
});

describe('fidelity with the official @sinch/voice SDK', () => {
  it('places a tts callout, reads the call and the application settings unchanged', async () => {
    // A long ring keeps the call ONGOING while the SDK reads it back.
    await http(suite.sim.url, 'PUT', '/_sim/rules', { rules: [{ match: '+14045005003', outcome: 'answered', ringTimeS: 100 }] }, 'none');
    const voice = new VoiceService({
      applicationKey: TEST_KEY,
      applicationSecret: TEST_SECRET,
      voiceHostname: suite.sim.url,
      voiceApplicationManagementHostname: suite.sim.url,
    });
    const { callId } = await voice.callouts.tts({
      ttsCalloutRequestBody: {
        method: 'ttsCallout',
        ttsCallout: { cli: '+14045001000', destination: { type: 'number', endpoint: '+14045005003' }, text: 'Hello from the SDK', enableDice: true },
      },
    });
    expect(callId).toEqual(expect.any(String));
    const call = await voice.calls.get({ callId: callId! });
    expect(call).toMatchObject({ callId, status: 'ONGOING', to: { type: 'number', endpoint: '+14045005003' } });
    const dice = await suite.receiver.waitForEvent(callId!, 'dice');
    expect(dice.body).toMatchObject({ result: 'ANSWERED', reason: 'MANAGERHANGUP' });
    const final = await voice.calls.get({ callId: callId! });
    expect(final).toMatchObject({ status: 'FINAL', result: 'ANSWERED', debit: { currencyId: 'USD', amount: 0.0135 } });
    const numbers = await voice.applications.listNumbers({});
    expect(numbers.numbers?.length).toBeGreaterThan(0);
    const callbacks = await voice.applications.getCallbackURLs({ applicationkey: TEST_KEY });
    expect(callbacks.url?.primary).toBe(suite.receiver.url);
    const query = await voice.applications.queryNumber({ number: '+14045005003' });
    expect(query.number?.countryId).toBe('US');
  });
});
