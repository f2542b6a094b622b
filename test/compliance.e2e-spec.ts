import { DataSource } from 'typeorm';
import { CalloutJobs } from 'src/callouts/dialing/callout-jobs.service';
import { toStoredCallout } from 'src/callouts/stored-callout';
import { SQL_FINAL_STATES } from 'src/calls/call-state';
import { CallsService } from 'src/calls/calls.service';
import { EMBEDDED_SIMULATOR } from 'src/embedded-simulator.module';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { createCampaign } from './campaign-fixtures';
import { calloutsPerCall, SimClient } from './sim-client';
import { createTestApp, TestApp } from './test-app';
import { waitFor } from './wait-for';

interface CallRow {
  id: string;
  state: string;
  dial_attempts: number;
  error_message: string | null;
}

// Admin callouts obey the do-not-call lists and the frequency cap: refused at the API (nothing stored), and
// re-checked by the callouts worker right before dialling.
describe('compliance for callouts (e2e)', () => {
  let t: TestApp;
  let sim: SimClient;
  let db: DataSource;

  const tts = (destination: string) => ({ type: 'tts', destination, text: 'Your order has shipped' });
  const post = (body: unknown, headers?: Record<string, string>) => t.request('POST', '/api/v1/callouts', { body, headers });
  const callsTo = async (phone: string): Promise<number> => Number((await db.query('SELECT count(*)::int AS n FROM calls WHERE to_number = $1', [phone]))[0].n);
  const callRow = async (id: string): Promise<CallRow> => (await db.query('SELECT id, state, dial_attempts, error_message FROM calls WHERE id = $1', [id]))[0];
  const addDnc = async (phone: string, campaignId?: string) => {
    const res = await t.request('POST', '/api/v1/dnc', { body: { phone, campaignId } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  // Holds the callouts worker so calls stay queued while the test changes what compliance says.
  const withWorkerHeld = async (work: () => Promise<void>) => {
    const queue = t.app.get(CalloutJobs).queue;
    await queue.pause();
    try {
      await work();
    } finally {
      await queue.resume();
    }
  };

  beforeAll(async () => {
    t = await createTestApp({ FREQUENCY_CAP_CALLS: '2', FREQUENCY_CAP_WINDOW_H: '24', SINCH_CALLOUTS_PER_SECOND: '10' });
    sim = new SimClient(t.app.get<SinchSimulator>(EMBEDDED_SIMULATOR).url);
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    // The calls placed here (all to +141555570xx) end first, so nothing is in flight when the app closes.
    const inFlight = async () =>
      Number((await db.query(`SELECT count(*)::int AS n FROM calls WHERE to_number LIKE '+141555570%' AND state NOT IN (${SQL_FINAL_STATES})`))[0].n);
    if (db)
      await waitFor(
        async () => (await inFlight()) === 0,
        30_000,
        () => 'calls still in flight',
      );
    await t?.close();
    // Up to 30 s for the calls to end, then the close (the embedded simulator's last callbacks): on a loaded
    // machine the two together pass Jest's default 60 s.
  }, 120_000);

  describe('at the API', () => {
    it('refuses a number on the global do-not-call list with a 400 naming destination and do_not_call; stores nothing', async () => {
      const phone = '+14155557001';
      const entryId = await addDnc(phone);
      const res = await post(tts('+1 415 555 7001'), { 'idempotency-key': 'dnc-refused-1' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        code: 'not_callable',
        message: expect.stringContaining('global do-not-call list'),
        details: [{ field: 'destination', rule: 'do_not_call', message: expect.stringContaining('destination may not be called') }],
      });
      expect(await callsTo(phone)).toBe(0);

      // Nothing stored, not even the idempotency key: once the number is off the list the same request goes through.
      expect((await t.request('DELETE', `/api/v1/dnc/${entryId}`)).status).toBe(200);
      const retried = await post(tts('+1 415 555 7001'), { 'idempotency-key': 'dnc-refused-1' });
      expect(retried.status).toBe(202);
      expect(await callsTo(phone)).toBe(1);
    });

    it('an entry that has expired no longer blocks; a campaign-only entry does not block an admin callout', async () => {
      const expired = '+14155557002';
      await addDnc(expired);
      await db.query(`UPDATE dnc_entries SET expires_at = now() - interval '1 minute' WHERE phone = $1`, [expired]);
      expect((await post(tts(expired))).status).toBe(202);

      const campaignOnly = '+14155557003';
      const campaign = await createCampaign(t);
      await addDnc(campaignOnly, campaign.id);
      expect((await post(tts(campaignOnly))).status).toBe(202);
    });

    it('refuses a number over the frequency cap with a 400 naming destination and frequency_cap; stores nothing', async () => {
      const phone = '+14155557004';
      expect((await post(tts(phone))).status).toBe(202);
      expect((await post(tts(phone))).status).toBe(202);
      const res = await post(tts(phone));
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([
        {
          field: 'destination',
          rule: 'frequency_cap',
          message: 'destination may not be called: the number was called 2 times in the last 24 h; the frequency cap allows 2',
        },
      ]);
      expect(await callsTo(phone)).toBe(2);
    });
  });

  describe('in the worker, right before dialling', () => {
    it('a number put on the do-not-call list after the callout was queued is not called; the row says why', async () => {
      const since = await sim.lastSeq();
      let id = '';
      await withWorkerHeld(async () => {
        const res = await post(tts('+14155557010'));
        expect(res.status).toBe(202);
        id = res.body.id;
        await addDnc('+14155557010');
      });
      const row = (await waitFor(
        async () => {
          const r = await callRow(id);
          return r.state === 'failed' ? r : undefined;
        },
        10_000,
        () => `call ${id} not failed`,
      )) as CallRow;
      expect(row.error_message).toBe('Not dialled (do_not_call): the number is on the global do-not-call list');
      expect(row.dial_attempts).toBe(0);
      expect(calloutsPerCall(await sim.callouts(since)).get(id)).toBeUndefined();
    });

    it('counts only the calls queued before this one: the call past the cap fails, the earlier ones are placed', async () => {
      const phone = '+14155557011';
      const since = await sim.lastSeq();
      const ids: string[] = [];
      await withWorkerHeld(async () => {
        for (let i = 0; i < 2; i += 1) {
          const res = await post(tts(phone));
          expect(res.status).toBe(202);
          ids.push(res.body.id);
        }
        // A third call that got past its own check concurrently (another API process, the campaign dialer).
        const [racing] = await t.app.get(CallsService).createOutbound([
          {
            kind: 'tts',
            toNumber: phone,
            request: toStoredCallout({ method: 'ttsCallout', request: { destination: { type: 'number', endpoint: phone }, text: 'Racing', enableDice: true } }),
          },
        ]);
        await t.app.get(CalloutJobs).enqueue(racing.id);
        ids.push(racing.id);
      });
      const rows = (await waitFor(
        async () => {
          const all = await Promise.all(ids.map(callRow));
          return all.every((r) => r.state !== 'queued') ? all : undefined;
        },
        15_000,
        () => 'calls still queued',
      )) as CallRow[];
      expect(rows[2]).toMatchObject({ state: 'failed', error_message: expect.stringMatching(/^Not dialled \(frequency_cap\)/) });
      const placed = calloutsPerCall(await sim.callouts(since));
      expect(placed.get(ids[0])).toHaveLength(1);
      expect(placed.get(ids[1])).toHaveLength(1);
      expect(placed.get(ids[2])).toBeUndefined();
    });
  });
});
