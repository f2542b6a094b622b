import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { NUMBERS_JOBS } from 'src/numbers/numbers.jobs';
import { RouteCache } from 'src/numbers/routing/route-cache.service';
import { RouteClock } from 'src/numbers/routing/route-clock.service';
import { RouteTargets } from 'src/numbers/routing/route-targets.service';
import { Logger } from '@nestjs/common';
import { DEV_CREDENTIAL } from 'src/sinch/signing';
import { SinchCredentials } from 'src/sinch/sinch.module';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import { sim, simUrl, sql, until } from './callbacks-kit';
import { campaignBody, createCampaign, importContacts } from './campaign-fixtures';
import { createTestApp, createTestAppWithOwnDatabase, type TestApp } from './test-app';

// Numbers of the simulated account used here only (other suites share the database and the default numbers).
const SE_MAIN = '+46101230001';
const SE_FREE = '+46101230002';
const SE_DRIFT = '+46101230003';
const SE_MENU = '+46101230004';
const SE_FORWARD = '+46101230005';
const SE_HOURS = '+46101230006';
const SE_CONF = '+46101230007';
const US_404_A = '+14045002000';
const US_404_B = '+14045002001';
const US_415 = '+14155002000';
const CALLER = '+46701112233';
const BUSY_CALLEE = '+46709990007'; // the simulator's default rules: ...7 is busy

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('Numbers and inbound routing (e2e)', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  const api = (method: string, path: string, body?: unknown, key?: string | null) => t.request(method, `/api/v1/numbers${path}`, { body, key });
  const idOf = (number: string) => ids[number];
  const setRoute = (number: string, body: unknown) => api('PUT', `/${idOf(number)}/route`, body);
  const simEvents = async (query: string): Promise<Body[]> => (await sim(t, 'GET', `/_sim/events?${query}`)).events;
  const iceAnswer = async (callId: string) =>
    (await until(async () => (await simEvents(`kind=callback&callId=${callId}&event=ice`))[0]?.response, 10_000)) as Body;
  const finalRow = (callId: string) =>
    until(async () => (await sql(t, 'SELECT * FROM calls WHERE sinch_call_id = $1 AND final_source IS NOT NULL', [callId]))[0], 20_000);
  const inbound = async (to: string, from = CALLER): Promise<string> => (await sim(t, 'POST', '/_sim/inbound', { from, to })).callId;

  beforeAll(async () => {
    // Its syncs own phone_numbers (a number not in its simulator is released): other suites' numbers stay out.
    t = await createTestAppWithOwnDatabase('numbers');
    // The repeatable sync runs once as the app boots; let that run finish first, or it may add some of the numbers
    // below before the tests' own sync (whose answer lists what it added). The next run is NUMBERS_SYNC_INTERVAL_S away.
    const queue = t.app.get<Queue>(getQueueToken(NUMBERS_JOBS.queue));
    await until(async () => {
      const { completed, failed } = await queue.getJobCounts('completed', 'failed');
      return completed + failed > 0;
    }, 15_000);
    for (const [number, countryId, numberType, assigned] of [
      [SE_MAIN, 'SE', 'Fixed', true],
      [SE_FREE, 'SE', 'Fixed', false],
      [SE_DRIFT, 'SE', 'Fixed', true],
      [SE_MENU, 'SE', 'Fixed', true],
      [SE_FORWARD, 'SE', 'Fixed', true],
      [SE_HOURS, 'SE', 'Fixed', true],
      [SE_CONF, 'SE', 'Fixed', true],
      [US_404_A, 'US', 'Fixed', true],
      [US_404_B, 'US', 'Fixed', true],
      [US_415, 'US', 'Mobile', true],
    ] as const) {
      await sim(t, 'POST', '/_sim/numbers', { number, countryId, numberType, assigned });
    }
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await sql(t, 'DELETE FROM calls WHERE from_number = ANY($1)', [[US_404_A, US_404_B, US_415]]);
    for (const table of ['phone_numbers', 'number_route_audits', 'caller_id_pools', 'number_rates']) await sql(t, `DELETE FROM ${table}`);
    await t.close();
  });

  describe('sync with Sinch', () => {
    it('adds every number of the account with its country, type and application', async () => {
      const res = await api('POST', '/sync');
      expect(res.status).toBe(200);
      expect(res.body.added).toEqual(expect.arrayContaining([SE_MAIN, SE_FREE, US_404_A, US_415]));
      expect(res.body).toMatchObject({ released: [], returned: [], reassigned: [] });
      const page = await api('GET', '?limit=200');
      for (const n of page.body.items) ids[n.number] = n.id;
      const key = t.app.get(SinchCredentials).current.applicationKey;
      expect(page.body.items.find((n: Body) => n.number === SE_MAIN)).toMatchObject({
        country: 'SE',
        numberType: 'Fixed',
        capability: 'voice',
        applicationKey: key,
        assignedHere: true,
        status: 'active',
        routing: null,
        pools: [],
      });
      expect(page.body.items.find((n: Body) => n.number === SE_FREE)).toMatchObject({ applicationKey: null, assignedHere: false });
      expect(page.body.items.find((n: Body) => n.number === US_415)).toMatchObject({ country: 'US', numberType: 'Mobile' });
      // The rate of each new number was cached on the way.
      expect((await sql(t, 'SELECT rate_amount, rate_currency FROM number_rates WHERE number = $1', [SE_MAIN]))[0]).toEqual({
        rate_amount: '0.020000',
        rate_currency: 'USD',
      });

      const again = await api('POST', '/sync');
      expect(again.body).toMatchObject({ added: [], released: [], returned: [], reassigned: [] });
      expect(again.body.unchanged).toBe(page.body.items.length);
    });

    it('filters by country and status, with cursor pages', async () => {
      const us = await api('GET', '?country=us');
      expect(us.status).toBe(200);
      expect(us.body.items.map((n: Body) => n.number)).toEqual(expect.arrayContaining([US_404_A, US_404_B, US_415]));
      expect(us.body.items.every((n: Body) => n.country === 'US')).toBe(true);
      const first = await api('GET', '?country=SE&limit=2');
      expect(first.body.items).toHaveLength(2);
      const second = await api('GET', `?country=SE&limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items.map((n: Body) => n.number)).not.toContain(first.body.items[0].number);
      expect((await api('GET', '?status=released')).body.items).toEqual([]);
    });

    it("assigns and unassigns numbers in Sinch; Sinch's refusals and failures are clear 4xx / 502 answers", async () => {
      const key = t.app.get(SinchCredentials).current.applicationKey;
      const assigned = await api('POST', '/assign', { numbers: [SE_FREE] });
      expect(assigned.status).toBe(200);
      expect(assigned.body.reassigned).toEqual([{ number: SE_FREE, from: null, to: key }]);
      expect((await api('GET', `/${idOf(SE_FREE)}`)).body).toMatchObject({ assignedHere: true });

      const unassigned = await api('POST', '/unassign', { number: SE_FREE });
      expect(unassigned.body.reassigned).toEqual([{ number: SE_FREE, from: key, to: null }]);
      // Not assigned to us any more: Sinch answers 404, and so do we, naming the field.
      const again = await api('POST', '/unassign', { number: SE_FREE });
      expect(again.status).toBe(404);
      expect(again.body.message).toMatch(/Sinch answered 404 \(Sinch error 40400\)/);

      await sim(t, 'PUT', '/_sim/faults', { errorRate: 1, errorStatus: 503 });
      try {
        const down = await api('POST', '/sync');
        expect(down.status).toBe(502);
        expect(down.body.message).toMatch(/50300/);
      } finally {
        await sim(t, 'PUT', '/_sim/faults', {});
      }
    });
  });

  describe('the repeatable sync job', () => {
    it('is scheduled every NUMBERS_SYNC_INTERVAL_S, and a run of it syncs', async () => {
      const queue = t.app.get<Queue>(getQueueToken(NUMBERS_JOBS.queue));
      const schedulers = await until(async () => {
        const all = await queue.getJobSchedulers();
        return all.length > 0 ? all : undefined;
      });
      expect(schedulers).toEqual([expect.objectContaining({ key: 'numbers-sync', every: t.config.numbers.syncIntervalS * 1000 })]);
      await sim(t, 'POST', '/_sim/numbers', { number: '+46101230099', countryId: 'SE', numberType: 'Fixed' });
      await queue.add('sync', {});
      const [row] = await until(async () => {
        const rows = await sql(t, 'SELECT number, status FROM phone_numbers WHERE number = $1', ['+46101230099']);
        return rows.length > 0 ? rows : undefined;
      }, 15_000);
      expect(row).toEqual({ number: '+46101230099', status: 'active' });
    });
  });

  describe('callback URL', () => {
    it("shows Sinch's URL next to ours, and sets Sinch's to ours", async () => {
      const expected = `${t.url}/webhooks/sinch/voice`;
      expect((await api('GET', '/callback-url', undefined, t.keys.reporting)).body).toEqual({ sinch: { primary: expected }, expected, matches: true });
      await t.app.get(SinchVoiceClient).updateCallbackUrls({ primary: 'https://old.example.com/sinch' });
      expect((await api('GET', '/callback-url')).body).toEqual({ sinch: { primary: 'https://old.example.com/sinch' }, expected, matches: false });
      expect((await api('PUT', '/callback-url', undefined, t.keys.supervisor)).status).toBe(403);
      const fixed = await api('PUT', '/callback-url');
      expect(fixed.status).toBe(200);
      expect(fixed.body).toEqual({ sinch: { primary: expected }, expected, matches: true });
    });

    it('a service with credentials whose callback URL Sinch does not have says so in one warning line at start', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const other = await createTestApp({
        DATABASE_URL: t.config.database.url,
        APP_ROLE: 'api',
        SINCH_APPLICATION_KEY: DEV_CREDENTIAL.applicationKey,
        SINCH_APPLICATION_SECRET: DEV_CREDENTIAL.applicationSecret,
        SINCH_VOICE_URL: simUrl(t),
        SINCH_MANAGEMENT_URL: simUrl(t),
        PUBLIC_BASE_URL: 'https://cc.example.com',
      });
      try {
        const lines = await until(async () => {
          const found = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('callbacks to'));
          return found.length > 0 ? found : undefined;
        });
        expect(lines).toEqual([
          `Sinch sends this application's callbacks to ${t.url}/webhooks/sinch/voice but this service expects https://cc.example.com/webhooks/sinch/voice: inbound calls and call events will not arrive. Fix it with PUT /api/v1/numbers/callback-url (or set PUBLIC_BASE_URL)`,
        ]);
      } finally {
        warn.mockRestore();
        await other.close();
      }
    });
  });

  describe('inbound routes', () => {
    it('message: the caller hears it, then the call ends; the call row records the number dialled and the route', async () => {
      const res = await setRoute(SE_MAIN, { route: { type: 'message', text: 'Welcome to Acme', locale: 'en-GB' } });
      expect(res.status).toBe(200);
      expect(res.body.routing).toEqual({ route: { type: 'message', text: 'Welcome to Acme', locale: 'en-GB' } });
      const callId = await inbound(SE_MAIN);
      expect(await iceAnswer(callId)).toEqual({ instructions: [{ name: 'say', text: 'Welcome to Acme', locale: 'en-GB' }], action: { name: 'hangup' } });
      // The simulator sent the caller as Sinch does ("46701112233"): stored as E.164, with its country.
      const ice = (await simEvents(`kind=callback&callId=${callId}&event=ice`))[0];
      expect(ice.request).toMatchObject({ cli: '46701112233', to: { type: 'did', endpoint: SE_MAIN }, rdnis: '' });
      expect(await finalRow(callId)).toMatchObject({
        direction: 'inbound',
        from_number: CALLER,
        to_number: SE_MAIN,
        country: 'SE',
        inbound_route: 'message',
        state: 'completed',
      });
      const listed = await t.request('GET', `/api/v1/calls?number=${encodeURIComponent(CALLER)}&direction=inbound`);
      expect(listed.body.items.find((c: Body) => c.sinchCallId === callId)).toMatchObject({ fromNumber: CALLER, toNumber: SE_MAIN, inboundRoute: 'message' });
    });

    it('reject: hung up unanswered, or after a message', async () => {
      await setRoute(SE_MAIN, { route: { type: 'reject' } });
      expect(await iceAnswer(await inbound(SE_MAIN))).toEqual({ action: { name: 'hangup' } });
      await setRoute(SE_MAIN, { route: { type: 'reject', message: 'This number is no longer in use' } });
      expect(await iceAnswer(await inbound(SE_MAIN))).toEqual({
        instructions: [{ name: 'say', text: 'This number is no longer in use' }],
        action: { name: 'hangup' },
      });
    });

    it('forward: connectPstn with the ring timeout and our number as caller id; a busy callee ends the call BUSY', async () => {
      await setRoute(SE_FORWARD, { route: { type: 'forward', to: BUSY_CALLEE, callerId: 'dialled', ringTimeoutS: 15 } });
      const callId = await inbound(SE_FORWARD);
      expect(await iceAnswer(callId)).toEqual({ action: { name: 'connectPstn', number: BUSY_CALLEE, cli: SE_FORWARD, dialTimeout: 15 } });
      expect(await finalRow(callId)).toMatchObject({ to_number: SE_FORWARD, inbound_route: 'forward', state: 'busy', result: 'BUSY' });
      // A caller who is the forward target hears the fallback instead of being rung back on their own line.
      await setRoute(SE_FORWARD, { route: { type: 'forward', to: CALLER, fallbackMessage: 'Please call again later' } });
      expect(await iceAnswer(await inbound(SE_FORWARD))).toEqual({
        instructions: [{ name: 'say', text: 'Please call again later' }],
        action: { name: 'hangup' },
      });
    });

    it('menu: a two-level IVR; the key pressed in the sub-menu leads to its route through the PIE', async () => {
      const res = await setRoute(SE_MENU, {
        route: {
          type: 'menu',
          menus: [
            {
              id: 'main',
              prompt: 'Sales press 1, support press 2',
              options: [
                { dtmf: '1', route: { type: 'forward', to: '+46701234567' } },
                { dtmf: '2', menu: 'support' },
              ],
            },
            {
              id: 'support',
              prompt: 'Billing press 1',
              options: [
                { dtmf: '1', route: { type: 'message', text: 'Billing is open on weekdays' } },
                { dtmf: '9', menu: 'main' },
              ],
            },
          ],
        },
      });
      expect(res.status).toBe(200);
      const callId = await inbound(SE_MENU);
      const ice = await iceAnswer(callId);
      expect(ice.action).toMatchObject({ name: 'runMenu', barge: true });
      expect(ice.action.menus.map((m: Body) => m.id)).toEqual(['main', 'support']);
      await until(async () => (await sim(t, 'GET', `/_sim/calls/${callId}`)).inMenu === 'main');
      await sim(t, 'POST', `/_sim/calls/${callId}/dtmf`, { digits: '21' });
      const pie = (await until(async () => (await simEvents(`kind=callback&callId=${callId}&event=pie`))[0])) as Body;
      expect(pie.request.menuResult).toMatchObject({ menuId: 'support', type: 'return', value: `nr:${SE_MENU}:r:support:1` });
      expect(pie.response).toEqual({ instructions: [{ name: 'say', text: 'Billing is open on weekdays' }], action: { name: 'hangup' } });
      expect(await finalRow(callId)).toMatchObject({ inbound_route: 'menu', state: 'completed' });
    });

    it('queue and conference routes are refused until their feature registers a target; then they run', async () => {
      // The conferences feature registers its target at start: taken away here to see the refusal, given back after.
      const targets = t.app.get(RouteTargets);
      const installed = targets.get('conference');
      targets.register('conference', { exists: () => false, answer: () => buildSvaml(svaml.hangup()) })();
      const refused = await setRoute(SE_CONF, { route: { type: 'conference', target: 'bridge' } });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual([expect.objectContaining({ field: 'route.type', rule: 'route_type_unavailable' })]);
      const unregister = t.app.get(RouteTargets).register('conference', {
        exists: (id) => id === 'bridge',
        answer: (id) => buildSvaml(svaml.connectConf(id)),
      });
      try {
        const unknown = await setRoute(SE_CONF, { route: { type: 'conference', target: 'nowhere' } });
        expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'route.target', rule: 'target_unknown' })]);
        expect((await setRoute(SE_CONF, { route: { type: 'conference', target: 'bridge' } })).status).toBe(200);
        const callId = await inbound(SE_CONF);
        expect(await iceAnswer(callId)).toEqual({ action: { name: 'connectConf', conferenceId: 'bridge' } });
        await sim(t, 'POST', `/_sim/calls/${callId}/hangup`);
      } finally {
        unregister();
        if (installed) targets.register('conference', installed);
      }
    });

    it('business hours: the main route inside them, the after-hours route outside and on holidays (injected clock)', async () => {
      const res = await setRoute(SE_HOURS, {
        route: { type: 'message', text: 'Welcome, we are open' },
        businessHours: {
          timeZone: 'Europe/Stockholm',
          weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '17:00' }],
          holidays: ['2026-12-24'],
        },
        afterHours: { type: 'message', text: 'We are closed' },
      });
      expect(res.status).toBe(200);
      const clock = jest.spyOn(t.app.get(RouteClock), 'now');
      try {
        const at = async (iso: string) => {
          clock.mockReturnValue(new Date(iso));
          const callId = await inbound(SE_HOURS);
          return { say: (await iceAnswer(callId)).instructions[0].text, row: await finalRow(callId) };
        };
        expect(await at('2026-11-30T09:00:00Z')).toMatchObject({ say: 'Welcome, we are open', row: { inbound_route: 'message' } }); // Monday 10:00 in Stockholm
        expect(await at('2026-11-30T17:30:00Z')).toMatchObject({ say: 'We are closed', row: { inbound_route: 'after_hours:message' } }); // Monday 18:30
        expect((await at('2026-11-29T12:00:00Z')).say).toBe('We are closed'); // Sunday
        expect((await at('2026-12-24T10:00:00Z')).say).toBe('We are closed'); // a Thursday, a holiday
      } finally {
        clock.mockRestore();
      }
    });

    it('route changes are audited (who, when, before and after), and clearing one restores the default answer', async () => {
      const cleared = await api('DELETE', `/${idOf(SE_MAIN)}/route`);
      expect(cleared.body.routing).toBeNull();
      const trail = await api('GET', `/${idOf(SE_MAIN)}/route-audit`, undefined, t.keys.reporting);
      expect(trail.status).toBe(200);
      expect(trail.body[0]).toMatchObject({
        change: 'route_cleared',
        actor: expect.stringMatching(/^api-key:.*\(test admin\)$/),
        after: null,
        before: { route: { type: 'reject', message: 'This number is no longer in use' } },
      });
      expect(trail.body.at(-1)).toMatchObject({
        change: 'route_set',
        before: null,
        after: { route: { type: 'message', text: 'Welcome to Acme', locale: 'en-GB' } },
      });
      expect(await iceAnswer(await inbound(SE_MAIN))).toEqual({
        instructions: [{ name: 'say', text: t.config.callbacks.defaultIceMessage }],
        action: { name: 'hangup' },
      });
      expect((await api('GET', '?route=menu')).body.items.map((n: Body) => n.number)).toEqual([SE_MENU]);
    });

    it('another api process sees a route changed elsewhere at its next reload (no query on the ICE path)', async () => {
      const cache = t.app.get(RouteCache);
      await sql(t, `UPDATE phone_numbers SET routing = $2, updated_at = now() WHERE number = $1`, [SE_MAIN, { route: { type: 'reject' } }]);
      expect(cache.get(SE_MAIN)).toBeUndefined();
      await cache.refresh();
      expect(cache.get(SE_MAIN)).toEqual({ route: { type: 'reject' } });
      await api('DELETE', `/${idOf(SE_MAIN)}/route`);
      expect(cache.get(SE_MAIN)).toBeUndefined();
    });
  });

  describe('bad input: 400 naming the field, nothing stored', () => {
    it.each([
      ['an unknown route type', { route: { type: 'voicemail' } }, 'route.type'],
      ['a forward to an invalid number', { route: { type: 'forward', to: '+1555' } }, 'route.to'],
      [
        'a menu without main',
        { route: { type: 'menu', menus: [{ id: 'start', prompt: 'Hi', options: [{ dtmf: '1', route: { type: 'reject' } }] }] } },
        'route.menus',
      ],
      [
        'a menu deeper than allowed',
        {
          route: {
            type: 'menu',
            menus: ['main', 'a', 'b', 'c'].map((id, i, all) => ({
              id,
              prompt: id,
              options: [i < 3 ? { dtmf: '1', menu: all[i + 1] } : { dtmf: '1', route: { type: 'reject' } }],
            })),
          },
        },
        'route.menus[3].id',
      ],
      [
        'opening hours that end before they start',
        {
          route: { type: 'reject' },
          businessHours: { timeZone: 'Europe/Stockholm', weekly: [{ days: ['mon'], open: '17:00', close: '09:00' }] },
          afterHours: { type: 'reject' },
        },
        'businessHours.weekly[0].close',
      ],
      [
        'an unknown zone',
        {
          route: { type: 'reject' },
          businessHours: { timeZone: 'Europe/Atlantis', weekly: [{ days: ['mon'], open: '09:00', close: '17:00' }] },
          afterHours: { type: 'reject' },
        },
        'businessHours.timeZone',
      ],
      ['a queue route to a queue that does not exist', { route: { type: 'queue', target: 'support' } }, 'route.target'],
      ['a route that is not an object', { route: 'message' }, 'route'],
    ])('%s', async (_name, body, field) => {
      const before = await sql(t, 'SELECT routing, updated_at FROM phone_numbers WHERE number = $1', [SE_MENU]);
      const audits = await sql(t, 'SELECT count(*)::int AS n FROM number_route_audits');
      const res = await setRoute(SE_MENU, body);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: Body) => d.field)).toContain(field);
      expect(await sql(t, 'SELECT routing, updated_at FROM phone_numbers WHERE number = $1', [SE_MENU])).toEqual(before);
      expect(await sql(t, 'SELECT count(*)::int AS n FROM number_route_audits')).toEqual(audits);
    });

    it('bad ids, filters and queries', async () => {
      expect((await api('GET', '/not-a-uuid')).body.details[0].field).toBe('id');
      expect((await api('GET', '/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await api('GET', '?country=Sweden')).body.details[0].field).toBe('country');
      expect((await api('GET', '?route=voicemail')).body.details[0].field).toBe('route');
      expect((await api('GET', '/rates?number=12')).body.details[0].field).toBe('number');
      expect((await api('POST', '/assign', { numbers: [] })).body.details[0].field).toBe('numbers');
      expect((await api('PUT', '/pools/Sales!', { numbers: [US_404_A] })).body.details[0].field).toBe('name');
    });
  });

  describe('caller-id pools', () => {
    const answered = async (number: string, calls: number, ok: number) => {
      for (let i = 0; i < calls; i += 1) {
        await sql(t, `INSERT INTO calls (direction, kind, state, result, from_number, to_number) VALUES ('outbound', 'tts', $1, $2, $3, '+14045559999')`, [
          i < ok ? 'completed' : 'no_answer',
          i < ok ? 'ANSWERED' : 'NOANSWER',
          number,
        ]);
      }
    };

    it("picks a number of the callee's area code, else country, else any; round-robin", async () => {
      const put = await api('PUT', '/pools/sales', { numbers: [US_404_A, US_404_B, US_415, SE_MAIN] });
      expect(put.status).toBe(200);
      const pick = async (destination: string) =>
        (await api('GET', `/pools/sales/pick?destination=${encodeURIComponent(destination)}`, undefined, t.keys.supervisor)).body;
      const atlanta = [await pick('+14045551234'), await pick('+14045551234')];
      expect(atlanta.map((p) => p.match)).toEqual(['area_code', 'area_code']);
      expect(atlanta.map((p) => p.cli).sort()).toEqual([US_404_A, US_404_B]);
      expect(await pick('+12125551234')).toEqual({ cli: US_415, match: 'country' });
      expect(await pick('+46701234567')).toEqual({ cli: SE_MAIN, match: 'country' });
      expect((await pick('+447400123456')).match).toBe('any');
      expect((await api('GET', '?pool=sales')).body.items.map((n: Body) => n.number).sort()).toEqual([SE_MAIN, US_404_A, US_404_B, US_415].sort());
    });

    it("flags a number whose answer rate falls far below the pool's median, and leaves it out when asked", async () => {
      await answered(US_404_A, 20, 12);
      await answered(US_404_B, 20, 1);
      await answered(US_415, 20, 10);
      const pool = await api('GET', '/pools/sales', undefined, t.keys.reporting);
      expect(pool.body.medianAnswerRate).toBe(0.5);
      expect(pool.body.numbers.find((n: Body) => n.number === US_404_B)).toEqual({ number: US_404_B, calls: 20, answered: 1, answerRate: 0.05, flagged: true });
      expect(pool.body.numbers.filter((n: Body) => n.flagged)).toHaveLength(1);
      await api('PUT', '/pools/sales', { numbers: [US_404_A, US_404_B, US_415, SE_MAIN], excludeFlagged: true });
      for (let i = 0; i < 4; i += 1) {
        expect((await api('GET', '/pools/sales/pick?destination=%2B14045551234')).body.cli).toBe(US_404_A);
      }
    });

    it('callouts take cli { pool } and show a local number of it', async () => {
      const res = await t.request('POST', '/api/v1/callouts', {
        body: { type: 'tts', destination: '+14045551234', cli: { pool: 'sales' }, text: 'Hello' },
        key: t.keys.supervisor,
      });
      expect(res.status).toBe(202);
      const [row] = await sql(t, 'SELECT from_number FROM calls WHERE id = $1', [res.body.id]);
      expect(row.from_number).toBe(US_404_A);
      const unknown = await t.request('POST', '/api/v1/callouts', {
        body: { type: 'tts', destination: '+14045551234', cli: { pool: 'nobody' }, text: 'Hello' },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.details[0]).toMatchObject({ field: 'cli.pool', rule: 'pool_unknown' });
      const malformed = await t.request('POST', '/api/v1/callouts', {
        body: { type: 'tts', destination: '+14045551234', cli: { pool: 'Sales Team' }, text: 'Hello' },
      });
      expect(malformed.body.details[0].field).toBe('cli');
    });

    it('campaigns take cli { pool } (by name or id): each contact is called from a number of its area code or country', async () => {
      expect((await api('PUT', '/pools/campaign-local', { numbers: [US_404_A, US_415, SE_MAIN] })).status).toBe(200);
      const [{ id: poolId }] = await sql(t, `SELECT id FROM caller_id_pools WHERE name = 'campaign-local'`);
      const refused = async (body: Record<string, unknown>) => {
        const res = await t.request('POST', '/api/v1/campaigns', { body: campaignBody(body) });
        expect(res.status).toBe(400);
        return res.body.details[0];
      };
      expect(await refused({ callerIds: undefined, cli: { pool: 'nobody' } })).toMatchObject({ field: 'cli.pool', rule: 'pool_unknown' });
      expect(await refused({ cli: { pool: 'campaign-local' } })).toMatchObject({ field: 'callerIds', rule: 'exclusive' });
      expect(await refused({ callerIds: undefined })).toMatchObject({ field: 'callerIds', rule: 'required' });
      expect(await refused({ callerIds: undefined, cli: { pool: '' } })).toMatchObject({ field: 'cli.pool' });
      // A pool whose every number was released has nothing to show.
      await api('PUT', '/pools/campaign-empty', { numbers: [SE_FREE] });
      await sql(t, `UPDATE phone_numbers SET status = 'released' WHERE number = $1`, [SE_FREE]);
      expect(await refused({ callerIds: undefined, cli: { pool: 'campaign-empty' } })).toMatchObject({ field: 'cli.pool', rule: 'pool_empty' });
      await sql(t, `UPDATE phone_numbers SET status = 'active' WHERE number = $1`, [SE_FREE]);
      await api('DELETE', '/pools/campaign-empty');

      const campaign = await createCampaign(t, { name: 'Local presence', callerIds: undefined, cli: { pool: poolId } });
      expect(campaign).toMatchObject({ callerIds: [], cli: { pool: 'campaign-local' } });
      // Contacts of this suite only (the frequency cap and the calls table are shared by the run).
      const [atlanta, newYork, stockholm, london] = ['+14045088001', '+12125088001', '+46705088001', '+447400508801'];
      await importContacts(
        t,
        campaign.id,
        [atlanta, newYork, stockholm, london].map((phone) => ({ phone })),
      );
      expect((await t.request('POST', `/api/v1/campaigns/${campaign.id}/start`)).status).toBe(200);
      const rows = await until(async () => {
        const placed = await sql(t, 'SELECT to_number, from_number FROM calls WHERE campaign_id = $1', [campaign.id]);
        return placed.length === 4 ? placed : undefined;
      }, 20_000);
      const from = new Map(rows.map((r) => [r.to_number, r.from_number]));
      expect(from.get(atlanta)).toBe(US_404_A);
      expect([US_404_A, US_415]).toContain(from.get(newYork));
      expect(from.get(stockholm)).toBe(SE_MAIN);
      expect([US_404_A, US_415, SE_MAIN]).toContain(from.get(london));
      // The picked number went to Sinch as the call's cli.
      const [{ sinch_call_id: atlantaCall }] = await until(async () => {
        const placed = await sql(t, 'SELECT sinch_call_id FROM calls WHERE campaign_id = $1 AND to_number = $2 AND sinch_call_id IS NOT NULL', [
          campaign.id,
          atlanta,
        ]);
        return placed.length > 0 ? placed : undefined;
      }, 20_000);
      const [callout] = (await simEvents(`kind=rest&callId=${atlantaCall}`)).filter((e) => e.method === 'POST');
      expect(JSON.parse(callout.request.customCallout.ice).action).toMatchObject({ name: 'connectPstn', number: atlanta, cli: US_404_A });
    });

    it('a campaign whose pool was deleted after it was saved pauses, naming cli.pool', async () => {
      await api('PUT', '/pools/campaign-doomed', { numbers: [SE_MAIN] });
      const campaign = await createCampaign(t, { name: 'Doomed pool', callerIds: undefined, cli: { pool: 'campaign-doomed' } });
      await importContacts(t, campaign.id, [{ phone: '+46705088011' }]);
      expect((await api('DELETE', '/pools/campaign-doomed')).status).toBe(204);
      expect((await t.request('POST', `/api/v1/campaigns/${campaign.id}/start`)).status).toBe(200);
      const paused = await until(async () => {
        const body = (await t.request('GET', `/api/v1/campaigns/${campaign.id}`)).body;
        return body.status === 'paused' ? body : undefined;
      }, 20_000);
      expect(paused.statusReason).toMatch(/cli\.pool: there is no caller-id pool "campaign-doomed"/);
      expect(await sql(t, 'SELECT 1 FROM calls WHERE campaign_id = $1', [campaign.id])).toEqual([]);
      const moved = await t.request('PATCH', `/api/v1/campaigns/${campaign.id}`, { body: { callerIds: ['+14045001000'] } });
      expect(moved.body).toMatchObject({ callerIds: ['+14045001000'], cli: null });
      expect((await t.request('POST', `/api/v1/campaigns/${campaign.id}/cancel`)).status).toBe(200);
    });

    it("takes the simulated account's own numbers, although the numbering plan calls 555-01xx fictional", async () => {
      const res = await api('PUT', '/pools/fictional', { numbers: ['+15550100001'] });
      expect([res.status, res.body.numbers?.map((n: Body) => n.number)]).toEqual([200, ['+15550100001']]);
      expect((await api('GET', '/pools/fictional/pick?destination=%2B14045551234')).body).toEqual({ cli: '+15550100001', match: 'country' });
      expect((await api('PUT', '/pools/fictional', { numbers: ['+15550109999'] })).body.details).toEqual([
        expect.objectContaining({ field: 'numbers[0]', rule: 'not_owned' }),
      ]);
      expect((await api('DELETE', '/pools/fictional')).status).toBe(204);
    });

    it('refuses a pool with a released, unknown or duplicated number, naming it; nothing stored', async () => {
      await sql(t, `UPDATE phone_numbers SET status = 'released' WHERE number = $1`, [SE_FREE]);
      const res = await api('PUT', '/pools/support', { numbers: [US_404_A, SE_FREE, '+46101239999', US_404_A] });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([
        expect.objectContaining({ field: 'numbers[3]', rule: 'unique' }),
        expect.objectContaining({ field: 'numbers[1]', rule: 'released' }),
        expect.objectContaining({ field: 'numbers[2]', rule: 'not_owned' }),
      ]);
      const gone = await api('GET', '/pools/support');
      expect(gone.status).toBe(404);
      expect(gone.body.code).toBe('pool_not_found');
      await sql(t, `UPDATE phone_numbers SET status = 'active' WHERE number = $1`, [SE_FREE]);
    });
  });

  describe('drift', () => {
    it('a number removed from the account is released at the next sync: route disabled and flagged, out of every pool, calls get the default answer', async () => {
      await setRoute(SE_DRIFT, { route: { type: 'message', text: 'Drift line' } });
      await api('PUT', '/pools/drift', { numbers: [SE_DRIFT, US_415] });
      expect(await iceAnswer(await inbound(SE_DRIFT))).toMatchObject({ instructions: [{ text: 'Drift line' }] });

      await sim(t, 'DELETE', `/_sim/numbers/${encodeURIComponent(SE_DRIFT)}`);
      const res = await api('POST', '/sync');
      expect(res.body.released).toEqual([SE_DRIFT]);
      const number = (await api('GET', `/${idOf(SE_DRIFT)}`)).body;
      expect(number).toMatchObject({
        status: 'released',
        routeDisabledReason: 'released',
        routing: { route: { type: 'message', text: 'Drift line' } },
        pools: [],
      });
      expect(number.releasedAt).toEqual(expect.any(String));
      expect((await api('GET', '/pools/drift')).body.numbers.map((n: Body) => n.number)).toEqual([US_415]);
      expect((await api('GET', `/${idOf(SE_DRIFT)}/route-audit`)).body[0]).toMatchObject({ actor: 'sync', change: 'route_disabled_released' });
      expect(await iceAnswer(await inbound(SE_DRIFT))).toEqual({
        instructions: [{ name: 'say', text: t.config.callbacks.defaultIceMessage }],
        action: { name: 'hangup' },
      });
      expect((await setRoute(SE_DRIFT, { route: { type: 'reject' } })).status).toBe(409);

      // Back in the account: active again, the route stays off until an admin saves it again.
      await sim(t, 'POST', '/_sim/numbers', { number: SE_DRIFT, assigned: true });
      expect((await api('POST', '/sync')).body.returned).toEqual([SE_DRIFT]);
      expect((await api('GET', `/${idOf(SE_DRIFT)}`)).body).toMatchObject({ status: 'active', routeDisabledReason: 'released', releasedAt: null });
    });
  });

  describe('rates', () => {
    it('are cached per number and refreshed after their TTL', async () => {
      const queries = async () =>
        (await simEvents('kind=rest')).filter((e) => /\/v1\/calling\/query\/number\/(%2B|\+)?447400123456$/.test(String(e.path))).length;
      const first = await api('GET', '/rates?number=%2B447400123456', undefined, t.keys.reporting);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        number: '+447400123456',
        country: 'GB',
        numberType: 'Mobile',
        rate: { amount: '0.015000', currency: 'USD' },
        cached: false,
      });
      const second = await api('GET', '/rates?number=%2B44%207400%20123456');
      expect(second.body).toMatchObject({ cached: true, rate: { amount: '0.015000', currency: 'USD' }, fetchedAt: first.body.fetchedAt });
      expect(await queries()).toBe(1);
      const clock = jest.spyOn(t.app.get(RouteClock), 'now').mockReturnValue(new Date(Date.now() + (t.config.numbers.rateTtlH + 1) * 3600_000));
      try {
        const third = await api('GET', '/rates?number=%2B447400123456');
        expect(third.body).toMatchObject({ cached: false });
        expect(third.body.fetchedAt > first.body.fetchedAt).toBe(true);
        expect(await queries()).toBe(2);
      } finally {
        clock.mockRestore();
      }
      expect((await api('GET', '/rates?number=%2B447400123456&refresh=true')).body.cached).toBe(false);
    });
  });

  describe('auth and roles', () => {
    it.each([
      ['GET', ''],
      ['GET', '/callback-url'],
      ['POST', '/sync'],
      ['GET', '/pools'],
      ['GET', '/rates?number=%2B46701234567'],
    ])('%s %s without a key is 401', async (method, path) => {
      expect((await api(method, path, undefined, null)).status).toBe(401);
    });

    it('admin manages; supervisor and reporting read; agent may not', async () => {
      const id = idOf(SE_MAIN);
      for (const key of [t.keys.supervisor, t.keys.reporting]) {
        expect((await api('GET', '', undefined, key)).status).toBe(200);
        expect((await api('GET', `/${id}`, undefined, key)).status).toBe(200);
        expect((await api('GET', '/pools', undefined, key)).status).toBe(200);
        for (const [method, path, body] of [
          ['POST', '/sync', undefined],
          ['POST', '/assign', { numbers: [SE_MAIN] }],
          ['POST', '/unassign', { number: SE_MAIN }],
          ['PUT', `/${id}/route`, { route: { type: 'reject' } }],
          ['DELETE', `/${id}/route`, undefined],
          ['PUT', '/pools/x', { numbers: [SE_MAIN] }],
          ['DELETE', '/pools/x', undefined],
          ['PUT', '/callback-url', undefined],
        ] as const) {
          expect([method, path, (await api(method, path, body, key)).status]).toEqual([method, path, 403]);
        }
      }
      expect((await api('GET', '', undefined, t.keys.agent)).status).toBe(403);
      expect((await api('GET', '/rates?number=%2B46701234567', undefined, t.keys.agent)).status).toBe(403);
    });

    it('every numbers route is in the OpenAPI document', async () => {
      const doc = (await t.request('GET', '/docs-json', { key: null })).body;
      for (const path of [
        '',
        '/sync',
        '/assign',
        '/unassign',
        '/callback-url',
        '/rates',
        '/pools',
        '/pools/{name}',
        '/pools/{name}/pick',
        '/{id}',
        '/{id}/route',
        '/{id}/route-audit',
      ]) {
        expect(doc.paths).toHaveProperty([`/api/v1/numbers${path}`]);
      }
      expect(doc.paths['/api/v1/numbers/{id}/route'].put.responses).toHaveProperty(['400']);
      for (const [path, method] of [
        ['/{id}', 'get'],
        ['/{id}/route', 'put'],
        ['/{id}/route', 'delete'],
        ['/{id}/route-audit', 'get'],
      ]) {
        expect([path, method, Object.keys(doc.paths[`/api/v1/numbers${path}`][method].responses)]).toEqual([
          path,
          method,
          expect.arrayContaining(['400', '404']),
        ]);
      }
      expect(doc.paths['/api/v1/numbers/{id}/route'].put.description).toBe('Roles: admin');
      expect(doc.paths['/api/v1/numbers'].get.description).toBe('Roles: admin, supervisor, reporting');
    });
  });
});
