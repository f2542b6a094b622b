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

// Recording by an inbound route's policy. The app's close sometimes takes about a minute after these tests (seen
// here and in recordings.e2e-spec.ts, cause not found yet), hence the longer hook.
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

  afterAll(async () => {
    // The numbers suite expects to find these tables empty (its sync would release numbers left here).
    for (const table of ['phone_numbers', 'number_route_audits']) await db?.query(`DELETE FROM ${table}`);
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it('an inbound route with a consent policy: the caller hears the notice, then the call is recorded', async () => {
    const number = '+46101234599';
    const simSend = (method: string, path: string, body?: unknown) =>
      fetch(sim.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }).then(
        (r) => r.json(),
      );
    await simSend('POST', '/_sim/numbers', { number, countryId: 'SE', numberType: 'Fixed', assigned: true });
    expect((await t.request('POST', '/api/v1/numbers/sync')).status).toBe(200);
    const page = await t.request('GET', '/api/v1/numbers?limit=200');
    const id = (page.body.items as { id: string; number: string }[]).find((n) => n.number === number)?.id;
    const encoded = encodeURIComponent(number);
    // No route on the number yet: not a policy target.
    expect((await t.request('PUT', `/api/v1/recordings/policies/route/${encoded}`, { body: { mode: 'on' } })).status).toBe(404);
    expect((await t.request('PUT', `/api/v1/numbers/${id}/route`, { body: { route: { type: 'message', text: 'Welcome to Acme' } } })).status).toBe(200);
    await waitFor(
      async () =>
        (await t.request('PUT', `/api/v1/recordings/policies/route/${encoded}`, { body: { mode: 'consent', notice: 'We record calls.' } })).status === 200,
      10_000,
    );
    // Number routes do not ask the opt-out question: optOut there is refused, not ignored.
    const optOut = await t.request('PUT', `/api/v1/recordings/policies/route/${encoded}`, { body: { mode: 'consent', optOut: true } });
    expect(optOut.status).toBe(400);
    expect(optOut.body.details).toEqual([expect.objectContaining({ field: 'optOut', rule: 'not_supported_for_target' })]);

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
});
