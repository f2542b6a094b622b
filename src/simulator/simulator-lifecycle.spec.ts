import { TEST_KEY, http, startSim, tts, useSimulator, waitUntil } from 'src/simulator/simulator.test-kit';

const suite = useSimulator();

const callout = async (body: unknown): Promise<string> => {
  const res = await http(suite.sim.url, 'POST', '/calling/v1/callouts', body);
  expect(res.status).toBe(200);
  return res.body.callId as string;
};
const inbound = async (from = '+46701112233', to = '+15550100001'): Promise<string> =>
  (await http(suite.sim.url, 'POST', '/_sim/inbound', { from, to }, 'none')).body.callId as string;
const rules = (list: unknown[]) => http(suite.sim.url, 'PUT', '/_sim/rules', { rules: list }, 'none');
const simCall = async (callId: string) => (await http(suite.sim.url, 'GET', `/_sim/calls/${callId}`, undefined, 'none')).body;
const dice = (callId: string) => suite.receiver.waitForEvent(callId, 'dice');

describe('callout lifecycles', () => {
  it('ttsCallout: ACE then DiCE, signed like Sinch, with Sinch-shaped bodies', async () => {
    const callId = await callout(tts('+14045005001', { enableAce: true, enableDice: true, custom: 'order-7' }));
    const d = await dice(callId);
    expect(suite.receiver.eventsFor(callId)).toEqual(['ace', 'dice']);
    for (const cb of suite.receiver.forCall(callId)) {
      expect(cb.signatureOk).toBe(true);
      expect(cb.headers['content-type']).toBe('application/json');
      expect(cb.headers['x-timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(cb.headers.authorization).toMatch(new RegExp(`^Application ${TEST_KEY}:`));
    }
    const ace = suite.receiver.forCall(callId)[0].body;
    expect(ace).toEqual({
      event: 'ace',
      callid: callId,
      timestamp: expect.stringMatching(/T\d\d:\d\d:\d\d$/),
      version: 1,
      custom: 'order-7',
      applicationKey: TEST_KEY,
    });
    expect(d.body).toEqual({
      event: 'dice',
      callid: callId,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
      version: 1,
      custom: 'order-7',
      applicationKey: TEST_KEY,
      reason: 'MANAGERHANGUP',
      result: 'ANSWERED',
      debit: { currencyId: 'USD', amount: 0.0135 },
      userRate: { currencyId: 'USD', amount: 0.0135 },
      // Numbers as Sinch writes them in callbacks: digits without the plus (issue 13).
      to: { type: 'number', endpoint: '14045005001' },
      duration: 2,
      from: '14045001000',
    });
  });

  it('conferenceCallout: ACE, greeting, joins the room; the far end hanging up ends it', async () => {
    await rules([{ match: '*', outcome: 'answered', talkTimeS: 600 }]);
    const callId = await callout({
      method: 'conferenceCallout',
      conferenceCallout: {
        destination: { type: 'number', endpoint: '+46700000001' },
        conferenceId: 'team',
        greeting: 'Welcome to the team call',
        enableAce: true,
        enableDice: true,
      },
    });
    await waitUntil('joined', async () => (await simCall(callId)).conferenceId === 'team');
    expect((await http(suite.sim.url, 'GET', '/calling/v1/conferences/id/team')).body.participants).toHaveLength(1);
    expect((await http(suite.sim.url, 'POST', `/_sim/calls/${callId}/hangup`, undefined, 'none')).status).toBe(200);
    const d = await dice(callId);
    expect(suite.receiver.eventsFor(callId)).toEqual(['ace', 'dice']);
    expect(d.body).toMatchObject({ result: 'ANSWERED', reason: 'CALLEEHANGUP', userRate: { amount: 0.02 } });
    const rooms = (await http(suite.sim.url, 'GET', '/_sim/conferences', undefined, 'none')).body.conferences;
    expect(rooms[0]).toMatchObject({ conferenceId: 'team', active: false, past: [{ callId, cli: '+46700000001' }] });
  });

  it('conferenceCallout: an ACE answering connectConf sends the call to that room', async () => {
    await rules([{ match: '*', outcome: 'answered', talkTimeS: 600 }]);
    suite.receiver.respond = (cb) => (cb.event === 'ace' ? { body: { action: { name: 'ConnectConf', conferenceId: 'other-room' } } } : undefined);
    const callId = await callout({
      method: 'conferenceCallout',
      conferenceCallout: { destination: { type: 'number', endpoint: '+46700000002' }, conferenceId: 'asked', enableAce: true },
    });
    await waitUntil('joined', async () => (await simCall(callId)).conferenceId === 'other-room');
    const mute = await http(suite.sim.url, 'PATCH', `/calling/v1/conferences/id/other-room/${callId}`, { command: 'mute' });
    expect(mute.status).toBe(200);
    const info = await http(suite.sim.url, 'GET', '/calling/v1/conferences/id/other-room');
    expect(info.body.participants[0]).toMatchObject({ id: callId, muted: true, onhold: false });
    await http(suite.sim.url, 'PATCH', `/calling/v1/conferences/id/other-room/${callId}`, { command: 'unmute' });
    expect((await http(suite.sim.url, 'GET', '/calling/v1/conferences/id/other-room')).body.participants[0].muted).toBe(false);
    expect((await http(suite.sim.url, 'GET', '/calling/v1/conferences/id/asked')).status).toBe(404);
  });

  it('customCallout: ICE first, its connectPstn places the call, then ACE (with AMD) and DiCE', async () => {
    suite.receiver.respond = (cb) =>
      cb.event === 'ice' ? { body: { action: { name: 'connectPstn', number: '+14045005066', cli: '+14045001000', amd: { enabled: true } } } } : undefined;
    await rules([{ match: '+14045005066', outcome: 'machine', talkTimeS: 5 }]);
    const callId = await callout({
      method: 'customCallout',
      customCallout: { cli: '+14045001000', destination: { type: 'number', endpoint: '+14045005066' }, custom: 'cc' },
    });
    const d = await dice(callId);
    expect(suite.receiver.eventsFor(callId)).toEqual(['ice', 'ace', 'dice']);
    const ice = suite.receiver.forCall(callId)[0].body;
    expect(ice).toMatchObject({
      event: 'ice',
      callid: callId,
      version: 1,
      cli: '14045001000',
      to: { type: 'number', endpoint: '14045005066' },
      rdnis: '',
      custom: 'cc',
    });
    expect(ice.callResourceUrl).toBe(`${suite.sim.url}/calling/v1/calls/id/${callId}`);
    expect(suite.receiver.forCall(callId)[1].body.amd).toEqual({ status: 'machine', reason: 'longgreeting', duration: 4 });
    expect(d.body).toMatchObject({ result: 'ANSWERED', reason: 'CALLEEHANGUP', duration: 5 });
  });

  it('customCallout with inline ICE and ACE SVAML sends only the DiCE', async () => {
    const callId = await callout({
      method: 'customCallout',
      customCallout: {
        ice: JSON.stringify({ action: { name: 'connectPstn', number: '+14045005001', cli: '+14045001000' } }),
        ace: JSON.stringify({ instructions: [{ name: 'say', text: 'Hello, this is a call from Sinch!' }], action: { name: 'hangup' } }),
      },
    });
    const d = await dice(callId);
    expect(suite.receiver.eventsFor(callId)).toEqual(['dice']);
    expect(d.body).toMatchObject({ result: 'ANSWERED', reason: 'MANAGERHANGUP', duration: 3, to: { endpoint: '14045005001' } });
  });
});

describe('default outcome rules by the last digits', () => {
  it.each([
    ['+14045005001', 'ANSWERED', 'MANAGERHANGUP'],
    ['+14045005007', 'BUSY', 'N/A'],
    ['+14045005008', 'NOANSWER', 'TIMEOUT'],
    ['+14045005009', 'FAILED', 'GENERALERROR'],
  ])('%s ends %s / %s', async (number, result, reason) => {
    const callId = await callout(tts(number, { enableDice: true }));
    const d = await dice(callId);
    expect(d.body).toMatchObject({ result, reason });
    if (result !== 'ANSWERED') {
      expect(d.body.duration).toBeUndefined();
      expect(d.body.debit).toEqual({ currencyId: 'USD', amount: 0 });
    }
  });

  it('applies rules set through the control API before the defaults', async () => {
    expect((await rules([{ regex: '^\\+1404500500[1-4]$', outcome: 'busy' }])).status).toBe(200);
    const callId = await callout(tts('+14045005003', { enableDice: true }));
    expect((await dice(callId)).body).toMatchObject({ result: 'BUSY' });
  });
});

describe('billing', () => {
  it('bills 61 s at 0.0135 per started minute as exactly 0.0270', async () => {
    await rules([{ match: '+14045005061', outcome: 'answered', talkTimeS: 61 }]);
    const callId = await callout({
      method: 'conferenceCallout',
      conferenceCallout: { destination: { type: 'number', endpoint: '+14045005061' }, conferenceId: 'bill', enableDice: true },
    });
    const d = await dice(callId);
    expect(d.body).toMatchObject({ duration: 61, debit: { currencyId: 'USD', amount: 0.027 }, userRate: { currencyId: 'USD', amount: 0.0135 } });
    expect((await simCall(callId)).debit).toBe('0.0270');
  });
});

describe('SVAML execution', () => {
  it('parks an inbound call until a ManageCall PATCH unparks it', async () => {
    suite.receiver.respond = (cb) =>
      cb.event === 'ice'
        ? {
            body: {
              instructions: [{ name: 'startRecording', options: { destinationUrl: 's3://rec/' } }],
              action: { name: 'park', introPrompt: '#tts[Welcome]', holdPrompt: '#tts[Please hold]', maxDuration: 600 },
            },
          }
        : undefined;
    const callId = await inbound();
    await waitUntil('parked', async () => (await simCall(callId)).parked);
    const unpark = { instructions: [{ name: 'stopRecording' }, { name: 'say', text: 'Thanks for waiting', locale: 'en-US' }], action: { name: 'hangup' } };
    expect((await http(suite.sim.url, 'PATCH', `/calling/v1/calls/id/${callId}`, unpark)).status).toBe(204);
    const d = await dice(callId);
    expect(suite.receiver.eventsFor(callId)).toEqual(['ice', 'notify:recording_finished', 'notify:recording_available', 'dice']);
    expect(suite.receiver.forCall(callId)[2].body).toMatchObject({ event: 'notify', type: 'recording_available', destination: `s3://rec/${callId}-1.mp3` });
    expect(d.body).toMatchObject({ result: 'ANSWERED', reason: 'MANAGERHANGUP', from: '46701112233', to: { type: 'did', endpoint: '15550100001' } });
    expect((await simCall(callId)).history.map((h: { what: string }) => h.what)).toContain('unparked');
  });

  it('ends a park at maxDuration, after the hold prompt playing then', async () => {
    suite.receiver.respond = (cb) =>
      cb.event === 'ice'
        ? { body: { action: { name: 'park', introPrompt: '#tts[Welcome]', holdPrompt: '#tts[Please hold, thanks]', maxDuration: 10 } } }
        : undefined;
    const callId = await inbound();
    const d = await dice(callId);
    // intro 1 s, hold prompt 2 s: the prompt running at 10 s finishes at 11 s.
    expect(d.body).toMatchObject({ result: 'ANSWERED', reason: 'TIMEOUT', duration: 11 });
  });

  it('plays a caller who gives up after abandonAfterS seconds parked, counting re-parks', async () => {
    suite.receiver.respond = (cb) =>
      cb.event === 'ice' ? { body: { action: { name: 'park', holdPrompt: '#tts[Please hold]', maxDuration: 600 } } } : undefined;
    const res = await http(suite.sim.url, 'POST', '/_sim/inbound', { from: '+46701112233', to: '+15550100001', abandonAfterS: 45 }, 'none');
    const callId = res.body.callId as string;
    await waitUntil('parked', async () => (await simCall(callId)).parked);
    // A re-park does not restart the caller's patience.
    const repark = { action: { name: 'park', holdPrompt: '#tts[Still holding]', maxDuration: 600 } };
    expect((await http(suite.sim.url, 'PATCH', `/calling/v1/calls/id/${callId}`, repark)).status).toBe(204);
    const d = await dice(callId);
    expect(d.body).toMatchObject({ result: 'ANSWERED', reason: 'CALLERHANGUP' });
    expect(d.body.duration).toBeLessThanOrEqual(46);
    expect((await simCall(callId)).history.map((h: { what: string }) => h.what)).toContain('caller gave up waiting');
    const bad = await http(suite.sim.url, 'POST', '/_sim/inbound', { from: '+46701112233', to: '+15550100001', abandonAfterS: -1 }, 'none');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('abandonAfterS');
  });

  it('runs a menu: DTMF through the control API, then a PIE with the sequence', async () => {
    const menu = {
      name: 'runMenu',
      barge: true,
      menus: [
        {
          id: 'main',
          mainPrompt: '#tts[Press 1 for support or 2 for the PIN menu]',
          options: [
            { dtmf: '1', action: 'return(support)' },
            { dtmf: '2', action: 'menu(sub)' },
          ],
          timeoutMills: 60000,
        },
        { id: 'sub', mainPrompt: '#tts[Enter your PIN]', maxDigits: 4, timeoutMills: 60000 },
      ],
    };
    suite.receiver.respond = (cb) =>
      cb.event === 'ice' ? { body: { action: menu } } : cb.event === 'pie' ? { body: { action: { name: 'hangup' } } } : undefined;
    const callId = await inbound();
    await waitUntil('in menu', async () => (await simCall(callId)).inMenu === 'main');
    expect((await http(suite.sim.url, 'POST', `/_sim/calls/${callId}/dtmf`, { digits: '2' }, 'none')).status).toBe(200);
    await waitUntil('in sub menu', async () => (await simCall(callId)).inMenu === 'sub');
    await http(suite.sim.url, 'POST', `/_sim/calls/${callId}/dtmf`, { digits: '1234' }, 'none');
    const pie = await suite.receiver.waitForEvent(callId, 'pie');
    expect(pie.body).toMatchObject({
      event: 'pie',
      callid: callId,
      version: 1,
      menuResult: { menuId: 'sub', type: 'sequence', value: '1234', inputMethod: 'dtmf' },
    });
    expect((await dice(callId)).body).toMatchObject({ reason: 'MANAGERHANGUP' });
    expect(suite.receiver.eventsFor(callId)).toEqual(['ice', 'pie', 'dice']);
  });

  it('reports a menu left without input as a timeout PIE, and a caller leaving a menu as a hangup PIE', async () => {
    const menu = {
      name: 'runMenu',
      menus: [{ id: 'main', mainPrompt: '#tts[Press 1]', repeats: 1, timeoutMills: 2000, options: [{ dtmf: '1', action: 'return' }] }],
    };
    suite.receiver.respond = (cb) =>
      cb.event === 'ice' ? { body: { action: menu } } : cb.event === 'pie' ? { body: { action: { name: 'hangup' } } } : undefined;
    const quiet = await inbound();
    const timeout = await suite.receiver.waitForEvent(quiet, 'pie');
    expect(timeout.body.menuResult).toEqual({ menuId: 'main', type: 'timeout', value: '', inputMethod: 'dtmf' });
    // Prompt 1 s + 2 s silence, repeated once: the PIE comes 6 s into the call, then the PIE answer hangs up.
    expect((await dice(quiet)).body).toMatchObject({ reason: 'MANAGERHANGUP', duration: 6 });

    suite.receiver.respond = (cb) => (cb.event === 'ice' ? { body: { action: { ...menu, menus: [{ ...menu.menus[0], timeoutMills: 600000 }] } } } : undefined);
    const leaving = await inbound();
    await waitUntil('in menu', async () => (await simCall(leaving)).inMenu === 'main');
    await http(suite.sim.url, 'POST', `/_sim/calls/${leaving}/hangup`, undefined, 'none');
    expect((await dice(leaving)).body).toMatchObject({ result: 'ANSWERED', reason: 'CALLERHANGUP' });
    expect(suite.receiver.eventsFor(leaving)).toEqual(['ice', 'pie', 'dice']);
    expect(suite.receiver.forCall(leaving)[1].body.menuResult).toMatchObject({ type: 'hangup' });
  });

  it('connects an inbound call onward with connectPstn: ACE for the callee, DiCE when it hangs up', async () => {
    await rules([{ match: '+46700000099', outcome: 'answered', talkTimeS: 42 }]);
    suite.receiver.respond = (cb) => (cb.event === 'ice' ? { body: { action: { name: 'connectPstn', number: '+46700000099' } } } : undefined);
    const callId = await inbound();
    const d = await dice(callId);
    expect(suite.receiver.eventsFor(callId)).toEqual(['ice', 'ace', 'dice']);
    expect(d.body).toMatchObject({ result: 'ANSWERED', reason: 'CALLEEHANGUP', duration: 42, debit: { amount: 0.02 } });
  });

  it('ends a call answered with invalid SVAML with INVALIDSVAMLACTION, after a callingerror notify', async () => {
    suite.receiver.respond = (cb) => (cb.event === 'ice' ? { body: { action: { name: 'continue' } } } : undefined);
    const callId = await inbound();
    const d = await dice(callId);
    expect(suite.receiver.eventsFor(callId)).toEqual(['ice', 'notify:callingerror', 'dice']);
    expect(suite.receiver.forCall(callId)[1].body).toMatchObject({ type: 'callingerror', errorCode: 40001 });
    expect(d.body).toMatchObject({ result: 'FAILED', reason: 'INVALIDSVAMLACTION' });
  });

  it('ends a call whose callback fails with CALLBACKERROR', async () => {
    suite.receiver.respond = (cb) => (cb.event === 'ace' ? { status: 500, body: { error: 'boom' } } : undefined);
    const callId = await callout(tts('+14045005001', { enableAce: true, enableDice: true }));
    const d = await dice(callId);
    expect(d.body).toMatchObject({ result: 'ANSWERED', reason: 'CALLBACKERROR' });
  });

  it('ends a call whose callback times out with CALLBACKERROR', async () => {
    const slow = await startSim({ callbackUrl: suite.receiver.url, callbackTimeoutMs: 100, seed: 7 });
    try {
      suite.receiver.respond = (cb) => (cb.event === 'ice' ? { body: { action: { name: 'hangup' } }, delayMs: 1000 } : undefined);
      const res = await http(slow.url, 'POST', '/_sim/inbound', { from: '+46701112233', to: '+15550100001' }, 'none');
      const d = await dice(res.body.callId);
      expect(d.body).toMatchObject({ result: 'FAILED', reason: 'CALLBACKERROR' });
    } finally {
      await slow.close();
    }
  });
});
