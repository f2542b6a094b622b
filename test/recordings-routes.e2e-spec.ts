import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { EMBEDDED_SIMULATOR } from 'src/embedded-simulator.module';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { readWav, waitRecordings } from './recordings-kit';
import { SimClient } from './sim-client';
import { createTestApp, type TestApp } from './test-app';
import { waitFor } from './wait-for';

// Recording by an inbound route's policy.
describe('recordings (e2e, inbound route policy)', () => {
  let t: TestApp;
  let sim: SimClient;
  let db: DataSource;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'recordings-routes-'));
    t = await createTestApp({ RECORDINGS_LOCAL_DIR: dir });
    sim = new SimClient(t.app.get<SinchSimulator>(EMBEDDED_SIMULATOR).url);
    db = t.app.get(DataSource);
  });

  const simSend = (method: string, path: string, body?: unknown) =>
    fetch(sim.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }).then((r) =>
      r.json(),
    );

  // One of our numbers (synced from the simulator): its id and its policy target id as a path segment.
  const ownNumber = async (number: string) => {
    await simSend('POST', '/_sim/numbers', { number, countryId: 'SE', numberType: 'Fixed', assigned: true });
    expect((await t.request('POST', '/api/v1/numbers/sync')).status).toBe(200);
    const page = await t.request('GET', '/api/v1/numbers?limit=200');
    return { id: (page.body.items as { id: string; number: string }[]).find((n) => n.number === number)?.id, encoded: encodeURIComponent(number) };
  };

  afterAll(async () => {
    // The run's database is shared: its numbers are left as they were found.
    for (const table of ['phone_numbers', 'number_route_audits']) await db?.query(`DELETE FROM ${table}`);
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
    // The app's close has taken about a minute after these suites now and then (seen in full runs; one cause, a socket
    // that never sent a request, is fixed in app.factory.ts; the rest is not found yet): a longer hook.
  }, 180_000);

  it('an inbound route with a consent policy: the caller hears the notice, then the call is recorded', async () => {
    const number = '+46101234599';
    const { id, encoded } = await ownNumber(number);
    // No route on the number yet: not a policy target.
    expect((await t.request('PUT', `/api/v1/recordings/policies/route/${encoded}`, { body: { mode: 'on' } })).status).toBe(404);
    expect((await t.request('PUT', `/api/v1/numbers/${id}/route`, { body: { route: { type: 'message', text: 'Welcome to Acme' } } })).status).toBe(200);
    await waitFor(
      async () =>
        (await t.request('PUT', `/api/v1/recordings/policies/route/${encoded}`, { body: { mode: 'consent', notice: 'We record calls.' } })).status === 200,
      10_000,
    );

    const sinchCallId = ((await simSend('POST', '/_sim/inbound', { from: '+46701112233', to: number })) as { callId: string }).callId;
    const ice = (await waitFor(async () => (await sim.events(`?kind=callback&callId=${sinchCallId}&event=ice`)).events[0]?.response, 10_000)) as {
      instructions: { name: string; text?: string; options?: Record<string, unknown> }[];
    };
    expect(ice.instructions.map((i) => i.name)).toEqual(['say', 'startRecording', 'say']);
    expect(ice.instructions[0].text).toBe('We record calls.');
    expect(ice.instructions[1].options).toMatchObject({ destinationUrl: expect.stringMatching(/^file:\/\/\//), notificationEvents: true, format: 'wav' });
    const [call] = (await waitFor(async () => {
      const rows = (await db.query('SELECT id FROM calls WHERE sinch_call_id = $1', [sinchCallId])) as { id: string }[];
      return rows.length ? rows : undefined;
    }, 10_000)) as { id: string }[];
    const [rec] = await waitRecordings(t, call.id, ['available']);
    expect(readWav(readFileSync(fileURLToPath(rec.location as string))).seconds).toBeGreaterThan(0);
    expect((await t.request('DELETE', `/api/v1/recordings/policies/route/${encoded}`)).status).toBe(204);
    expect((await t.request('DELETE', `/api/v1/recordings/policies/route/${encoded}`)).status).toBe(404);
  });

  it('an inbound route with consent and optOut: the question first, then the route; a caller who presses 9 is not recorded', async () => {
    const number = '+46101234598';
    const { id, encoded } = await ownNumber(number);
    expect((await t.request('PUT', `/api/v1/numbers/${id}/route`, { body: { route: { type: 'message', text: 'Welcome to Acme' } } })).status).toBe(200);
    await waitFor(
      async () =>
        (await t.request('PUT', `/api/v1/recordings/policies/route/${encoded}`, { body: { mode: 'consent', optOut: true, notice: 'We record calls.' } }))
          .status === 200,
      10_000,
    );
    type Answer = { action: { name: string; menus?: unknown[] }; instructions?: { name: string; text?: string }[] };
    const answerTo = (callId: string, event: 'ice' | 'pie') =>
      waitFor(async () => (await sim.events(`?kind=callback&callId=${callId}&event=${event}`)).events[0]?.response, 15_000) as Promise<Answer>;
    const inbound = async (from: string, dtmf?: string) =>
      ((await simSend('POST', '/_sim/inbound', { from, to: number, ...(dtmf ? { dtmf } : {}) })) as { callId: string }).callId;
    const declines = await inbound('+46701112234', '9');
    const consents = await inbound('+46701112235');
    for (const callId of [declines, consents]) {
      const ice = await answerTo(callId, 'ice');
      expect(ice.action.name).toBe('runMenu');
      expect(ice.action.menus?.[0]).toMatchObject({
        mainPrompt: '#tts[We record calls. Press 9 if you do not want to be recorded.]',
        options: [{ dtmf: '9', action: 'return(rec:optout)' }],
      });
    }
    // The PIE answers the route's own action (the message), recorded only for the caller who did not decline.
    const declined = await answerTo(declines, 'pie');
    expect(declined.action.name).toBe('hangup');
    expect((declined.instructions ?? []).map((i) => i.name)).toEqual(['say']);
    expect(declined.instructions?.[0].text).toBe('Welcome to Acme');
    const consented = await answerTo(consents, 'pie');
    expect(consented.action.name).toBe('hangup');
    expect((consented.instructions ?? []).map((i) => i.name)).toEqual(['startRecording', 'say']);
    const callOf = async (sinchCallId: string, where = 'TRUE') =>
      (
        (await waitFor(async () => {
          const rows = (await db.query(`SELECT id FROM calls WHERE sinch_call_id = $1 AND ${where}`, [sinchCallId])) as { id: string }[];
          return rows.length ? rows : undefined;
        }, 10_000)) as { id: string }[]
      )[0];
    const [rec] = await waitRecordings(t, (await callOf(consents)).id, ['available']);
    expect(readWav(readFileSync(fileURLToPath(rec.location as string))).seconds).toBeGreaterThan(0);
    // The caller who declined has no recording, not even an expected one flagged later as missing.
    const unrecorded = await callOf(declines, 'final_source IS NOT NULL');
    expect(await db.query('SELECT id FROM recordings WHERE call_id = $1 OR sinch_call_id = $2', [unrecorded.id, declines])).toEqual([]);
    expect((await t.request('DELETE', `/api/v1/recordings/policies/route/${encoded}`)).status).toBe(204);
  });

  it("a menu route with consent and optOut: 9 declines recording, then the route's own menu runs", async () => {
    const number = '+46101234597';
    const { id, encoded } = await ownNumber(number);
    const route = { type: 'menu', menus: [{ id: 'main', prompt: 'Sales press 1', options: [{ dtmf: '1', route: { type: 'message', text: 'Sales here' } }] }] };
    expect((await t.request('PUT', `/api/v1/numbers/${id}/route`, { body: { route } })).status).toBe(200);
    await waitFor(
      async () => (await t.request('PUT', `/api/v1/recordings/policies/route/${encoded}`, { body: { mode: 'consent', optOut: true } })).status === 200,
      10_000,
    );
    // Keys in the call's buffer: 9 answers the consent question, 1 the route's menu.
    const callId = ((await simSend('POST', '/_sim/inbound', { from: '+46701112236', to: number, dtmf: '91' })) as { callId: string }).callId;
    type Answer = { action: { name: string; menus?: { id: string }[] }; instructions?: { name: string; text?: string }[] };
    const pies = (await waitFor(async () => {
      const events = (await sim.events(`?kind=callback&callId=${callId}&event=pie`)).events;
      return events.length === 2 ? events.map((e) => e.response) : undefined;
    }, 15_000)) as Answer[];
    expect(pies[0].action.name).toBe('runMenu');
    expect(pies[0].action.menus?.map((m) => m.id)).toEqual(['main']);
    expect(pies[0].instructions ?? []).toEqual([]);
    expect(pies[1].action.name).toBe('hangup');
    expect(pies[1].instructions?.map((i) => i.text)).toEqual(['Sales here']);
    const [call] = (await waitFor(async () => {
      const rows = (await db.query('SELECT id FROM calls WHERE sinch_call_id = $1 AND final_source IS NOT NULL', [callId])) as { id: string }[];
      return rows.length ? rows : undefined;
    }, 15_000)) as { id: string }[];
    expect(await db.query('SELECT id FROM recordings WHERE call_id = $1 OR sinch_call_id = $2', [call.id, callId])).toEqual([]);
    expect((await t.request('DELETE', `/api/v1/recordings/policies/route/${encoded}`)).status).toBe(204);
  });

  it("a menu route with consent and optOut leading to a queue: asked once; the queue keeps the caller's answer", async () => {
    const number = '+46101234596';
    const { id, encoded } = await ownNumber(number);
    const queue = await t.request('POST', '/api/v1/queues', { body: { name: `menu queue ${Date.now()}`, holdPrompt: 'Please hold' } });
    expect(queue.status).toBe(201);
    const route = {
      type: 'menu',
      menus: [{ id: 'main', prompt: 'Support press 1', options: [{ dtmf: '1', route: { type: 'queue', target: queue.body.id } }] }],
    };
    expect((await t.request('PUT', `/api/v1/numbers/${id}/route`, { body: { route } })).status).toBe(200);
    await waitFor(
      async () => (await t.request('PUT', `/api/v1/recordings/policies/route/${encoded}`, { body: { mode: 'consent', optOut: true } })).status === 200,
      10_000,
    );
    type Answer = { action: { name: string; menus?: { id: string }[] }; instructions?: { name: string }[] };
    const answersTo = async (dtmf: string): Promise<{ callId: string; pies: Answer[] }> => {
      const callId = ((await simSend('POST', '/_sim/inbound', { from: '+46701112237', to: number, dtmf })) as { callId: string }).callId;
      const pies = (await waitFor(async () => {
        const events = (await sim.events(`?kind=callback&callId=${callId}&event=pie`)).events;
        return events.length === 2 ? events.map((e) => e.response) : undefined;
      }, 15_000)) as Answer[];
      return { callId, pies };
    };
    // 9 declines at the route's question, 1 picks the queue: parked, neither asked again nor recorded.
    const declined = await answersTo('91');
    expect(declined.pies.map((a) => a.action.name)).toEqual(['runMenu', 'park']);
    expect(declined.pies.flatMap((a) => a.instructions ?? []).map((i) => i.name)).not.toContain('startRecording');
    // 8 is consent: the menu starts the recording, and the queue does not start a second one nor ask.
    const consented = await answersTo('81');
    expect(consented.pies.map((a) => a.action.name)).toEqual(['runMenu', 'park']);
    expect((consented.pies[0].instructions ?? []).map((i) => i.name)).toEqual(['startRecording']);
    expect((consented.pies[1].instructions ?? []).map((i) => i.name)).not.toContain('startRecording');
    for (const callId of [declined.callId, consented.callId]) await simSend('POST', `/_sim/calls/${callId}/hangup`, {});
    expect((await t.request('DELETE', `/api/v1/recordings/policies/route/${encoded}`)).status).toBe(204);
  });
});
