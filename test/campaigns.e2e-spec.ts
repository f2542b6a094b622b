import { DataSource } from 'typeorm';
import { DialerService } from 'src/campaigns/dialer/dialer.service';
import { localTime } from 'src/common/zoned-time';
import { EMBEDDED_SIMULATOR } from 'src/embedded-simulator.module';
import type { SinchSimulator } from 'src/simulator/simulator.types';
import { createCampaign, importContacts } from './campaign-fixtures';
import { calloutsPerCall, SimClient } from './sim-client';
import { createTestApp, TestApp } from './test-app';
import { waitFor } from './wait-for';

// Dialling against the embedded simulator (outcomes by last digits: …7 busy, …8 no answer, …9 failed, …66 machine,
// anything else answered). Time scale 10: a ring is 0.3 s, a menu waits 0.8 s for a key.
const SETTINGS = {
  SIMULATOR_TIME_SCALE: '10',
  SINCH_CALLOUTS_PER_SECOND: '100',
  CALLOUT_CONCURRENCY: '50',
  CAMPAIGN_DIALER_INTERVAL_MS: '200',
  CAMPAIGN_CONFIG_REFRESH_MS: '400',
  FREQUENCY_CAP_CALLS: '3',
  // A call whose DiCE is lost is asked about after a second (see the reconciled-call test).
  RECONCILE_INTERVAL_S: '1',
  RECONCILE_ANSWERED_AFTER_S: '2',
  RECONCILE_UNANSWERED_AFTER_S: '2',
};
const FAST_RETRIES = {
  busy: { delayS: 1, maxAttempts: 3 },
  noAnswer: { delayS: 1, maxAttempts: 2 },
  failed: { delayS: 1, maxAttempts: 2 },
  machine: { delayS: 1, maxAttempts: 2 },
};

// +1 404 <exchange> <4 digits>: `count` numbers whose last digits are `ending`.
function numbers(exchange: number, count: number, ending: string): string[] {
  const step = 10 ** ending.length;
  return Array.from({ length: count }, (_, i) => `+1404${exchange}${String(i * step + Number(ending)).padStart(4, '0')}`);
}

interface ContactRow {
  phone: string;
  status: string;
  attempts: number;
  last_result: string | null;
  calls: number;
}

describe('campaigns dialling (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let sim: SimClient;

  const contacts = async (campaignId: string): Promise<ContactRow[]> =>
    db.query(
      `SELECT c.phone, c.status, c.attempts, c.last_result, (SELECT count(*)::int FROM calls k WHERE k.contact_id = c.id) AS calls
       FROM campaign_contacts c WHERE c.campaign_id = $1 ORDER BY c.phone`,
      [campaignId],
    );
  const byPhone = async (campaignId: string) => new Map((await contacts(campaignId)).map((c) => [c.phone, c]));
  const start = async (campaignId: string) => expect((await t.request('POST', `/api/v1/campaigns/${campaignId}/start`)).status).toBe(200);
  const campaign = async (campaignId: string) => (await t.request('GET', `/api/v1/campaigns/${campaignId}`)).body;
  const allFinal = (campaignId: string, timeoutMs: number) =>
    waitFor(
      async () => (await contacts(campaignId)).every((c) => !['pending', 'in_progress'].includes(c.status)),
      timeoutMs,
      () => `campaign ${campaignId}: contacts still pending or in progress`,
      100,
    );
  // Our call's Sinch id once the callee has answered (its ACE is recorded).
  const answeredCall = async (phone: string): Promise<string> =>
    (await waitFor(
      async () =>
        (await db.query(`SELECT sinch_call_id FROM calls WHERE to_number = $1 AND state = 'answered'`, [phone]))[0]?.sinch_call_id as string | undefined,
      15_000,
      () => `no answered call to ${phone}`,
      20,
    )) as string;

  beforeAll(async () => {
    t = await createTestApp(SETTINGS);
    db = t.app.get(DataSource);
    const url = t.app.get<SinchSimulator>(EMBEDDED_SIMULATOR).url;
    sim = new SimClient(url);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('runs a few hundred contacts to a final status, retrying per policy and never calling a do-not-call number', async () => {
    const answered = numbers(501, 100, '1');
    const busy = numbers(501, 40, '7');
    const noAnswer = numbers(501, 40, '8');
    const failed = numbers(501, 30, '9');
    const machine = numbers(501, 30, '66');
    const listedBefore = numbers(501, 2, '2');
    const listedDuring = busy[0];
    for (const phone of listedBefore) expect((await t.request('POST', '/api/v1/dnc', { body: { phone } })).status).toBe(201);

    const c = await createCampaign(t, {
      pacing: { callsPerSecond: 40, maxConcurrent: 80 },
      retryPolicy: FAST_RETRIES,
      answeringMachine: { action: 'message', message: 'Hi {{firstName}}, please call us back.' },
      spendCap: { amount: '1000', currency: 'USD' },
    });
    const all = [...answered, ...busy, ...noAnswer, ...failed, ...machine, ...listedBefore];
    const imported = await importContacts(
      t,
      c.id,
      all.map((phone, i) => ({ phone, attributes: { firstName: `Name${i}` } })),
    );
    expect(imported).toMatchObject({ inserted: all.length, dnc: 2, rejected: 0 });
    await start(c.id);

    // A number put on the global list while its first call is out is never dialled again.
    await waitFor(async () => (await db.query('SELECT 1 FROM calls WHERE to_number = $1', [listedDuring])).length > 0, 15_000, undefined, 10);
    expect((await t.request('POST', '/api/v1/dnc', { body: { phone: listedDuring } })).status).toBe(201);
    const listedAt = new Date();

    await allFinal(c.id, 60_000);
    const rows = await byPhone(c.id);
    const expectAll = (phones: string[], status: string, calls: number, lastResult: string) => {
      for (const phone of phones) expect({ phone, ...rows.get(phone) }).toEqual({ phone, status, attempts: calls, calls, last_result: lastResult });
    };
    expectAll(answered, 'completed', 1, 'answered');
    expectAll(busy.slice(1), 'exhausted', 3, 'busy');
    expectAll(noAnswer, 'exhausted', 2, 'no_answer');
    expectAll(failed, 'failed', 2, 'failed');
    // A machine heard the message twice (two attempts allowed): delivered, so completed.
    expectAll(machine, 'completed', 2, 'machine');
    for (const phone of listedBefore) expect(rows.get(phone)).toMatchObject({ status: 'dnc', calls: 0, last_result: 'dnc_at_import' });
    expect(rows.get(listedDuring)?.status).toBe('dnc');
    expect(await db.query('SELECT id FROM calls WHERE to_number = $1 AND created_at > $2', [listedDuring, listedAt])).toEqual([]);

    // It completes by itself once nothing is left.
    await waitFor(async () => (await campaign(c.id)).status === 'completed', 10_000);
    expect((await campaign(c.id)).statusReason).toBe('all contacts done');

    // Stats agree with the call log and the contacts.
    const stats = (await t.request('GET', `/api/v1/campaigns/${c.id}/stats`, { key: t.keys.reporting })).body;
    const byState = Object.fromEntries(
      (await db.query('SELECT state, count(*)::int AS n FROM calls WHERE campaign_id = $1 GROUP BY state', [c.id])).map((r: { state: string; n: number }) => [
        r.state,
        r.n,
      ]),
    );
    const [spend] = await db.query(`SELECT sum(debit_amount)::text AS amount FROM calls WHERE campaign_id = $1`, [c.id]);
    const [talk] = await db.query(`SELECT avg(duration_s) AS avg FROM calls WHERE campaign_id = $1 AND state = 'completed' AND duration_s > 0`, [c.id]);
    // The call to the number listed mid-run ended busy, or was withdrawn before dialling (failed, never placed), or
    // was refused by the callouts worker's compliance re-check when that saw the listing first (failed, never placed,
    // settled as a failed attempt).
    const [listedCall] = await db.query('SELECT state, sinch_call_id, error_message FROM calls WHERE to_number = $1', [listedDuring]);
    expect(listedCall.state === 'busy' || (listedCall.state === 'failed' && listedCall.sinch_call_id === null)).toBe(true);
    const refused = listedCall.error_message === 'Not dialled (do_not_call): the number is on the global do-not-call list';
    const callCount = 100 + 39 * 3 + 1 + 40 * 2 + 30 * 2 + 30 * 2;
    expect(stats.calls).toMatchObject({ total: callCount, inFlight: 0, byState });
    const expected: Record<string, number> = { completed: 160, busy: 117, no_answer: 80, failed: 60 };
    expected[listedCall.state] += 1;
    expect(byState).toEqual(expected);
    expect(stats.contacts.byStatus).toEqual({ completed: 130, exhausted: 79, failed: 30, dnc: 3 });
    expect(stats.attempts.byOutcome).toMatchObject({ answered: 100, machine: 60, no_answer: 80, failed: 60 + (refused ? 1 : 0) });
    expect(stats.attempts.total).toBe(callCount);
    expect(stats.answerRate).toBeCloseTo(160 / (callCount - (listedCall.sinch_call_id === null ? 1 : 0)), 3);
    expect(stats.machineRate).toBeCloseTo(60 / 160, 3);
    expect(stats.spend).toEqual([{ currency: 'USD', amount: String(Number(spend.amount)) }]);
    expect(stats.averageTalkTimeS).toBeCloseTo(Number(talk.avg), 1);
    expect(stats.optOuts).toBe(0);
    expect((await campaign(c.id)).spent).toBe(String(Number(spend.amount)));

    // The frequency cap (3 calls a day): an exhausted busy number imported into another campaign is held back.
    const other = await createCampaign(t, { name: 'other' });
    await importContacts(t, other.id, [{ phone: busy[1] }]);
    await start(other.id);
    await waitFor(async () => (await byPhone(other.id)).get(busy[1])?.last_result === 'frequency_capped', 10_000);
    expect((await byPhone(other.id)).get(busy[1])).toMatchObject({ status: 'pending', calls: 0 });
    const held = (await t.request('GET', `/api/v1/campaigns/${other.id}/contacts`)).body.items[0];
    expect(new Date(held.nextAttemptAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    await t.request('POST', `/api/v1/campaigns/${other.id}/cancel`);
  });

  it('calls a contact only inside its local calling window, and once it opens', async () => {
    // Zones where it is now morning (open 00:00-12:00) and evening (closed), with an hour to spare either way.
    const zones = [
      'Pacific/Pago_Pago',
      'Pacific/Honolulu',
      'America/Los_Angeles',
      'America/Chicago',
      'America/New_York',
      'America/Sao_Paulo',
      'Atlantic/Azores',
      'Europe/London',
      'Europe/Stockholm',
      'Europe/Moscow',
      'Asia/Dubai',
      'Asia/Dhaka',
      'Asia/Bangkok',
      'Asia/Tokyo',
      'Australia/Sydney',
      'Pacific/Auckland',
      'Pacific/Kiritimati',
    ];
    const hour = (zone: string) => localTime(zone, new Date()).minuteOfDay / 60;
    const openZone = zones.find((z) => hour(z) >= 1 && hour(z) < 11);
    const closedZone = zones.find((z) => hour(z) >= 13 && hour(z) < 23);
    if (!openZone || !closedZone) throw new Error('no suitable zones now');
    const [inside, outside] = ['+14045020001', '+14045020011'];

    const c = await createCampaign(t, { callingWindow: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '12:00' } });
    await importContacts(t, c.id, [
      { phone: inside, timeZone: openZone },
      { phone: outside, timeZone: closedZone },
    ]);
    await start(c.id);
    await waitFor(async () => (await byPhone(c.id)).get(inside)?.status === 'completed', 15_000);
    // A tick that really claimed for this campaign (not one skipped because a scheduled tick held it) dials nobody.
    const dialer = t.app.get(DialerService);
    const tick = await waitFor(async () => {
      const result = await dialer.tickCampaign(c.id);
      return result.outcome === 'dialled' ? result : undefined;
    }, 10_000);
    expect(tick).toMatchObject({ outcome: 'dialled', dialled: 0 });
    expect((await byPhone(c.id)).get(outside)).toMatchObject({ status: 'pending', calls: 0 });

    // The window opens (here: is widened to the whole day) and the contact is called.
    await t.request('POST', `/api/v1/campaigns/${c.id}/pause`);
    expect(
      (await t.request('PATCH', `/api/v1/campaigns/${c.id}`, { body: { callingWindow: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' } } }))
        .status,
    ).toBe(200);
    await t.request('POST', `/api/v1/campaigns/${c.id}/resume`);
    await waitFor(async () => (await byPhone(c.id)).get(outside)?.status === 'completed', 15_000);
  });

  it('acts on IVR keys: opt-out puts the number on the do-not-call list, confirm and agent transfer', async () => {
    const [optOut, confirm, agent, silent] = ['+14045030001', '+14045030011', '+14045030021', '+14045030031'];
    const transfer = '+14045039991';
    const c = await createCampaign(t, {
      message: {
        type: 'ivr',
        prompt: 'Hello {{firstName}}. Press 1 to confirm, 9 to stop these calls, 0 for an agent.',
        options: [
          { digit: '1', action: 'confirm' },
          { digit: '9', action: 'opt_out' },
          { digit: '0', action: 'agent' },
        ],
        transferNumber: transfer,
      },
    });
    await importContacts(
      t,
      c.id,
      [optOut, confirm, agent, silent].map((phone) => ({ phone, attributes: { firstName: 'Sam' } })),
    );
    await start(c.id);
    const keys: [string, string][] = [
      [optOut, '9'],
      [confirm, '1'],
      [agent, '0'],
    ];
    const pressed = await Promise.all(
      keys.map(async ([phone, key]) => {
        const sinchCallId = await answeredCall(phone);
        await sim.pressKeys(sinchCallId, key);
        return sinchCallId;
      }),
    );
    await allFinal(c.id, 20_000);

    const rows = await byPhone(c.id);
    expect(rows.get(optOut)).toMatchObject({ status: 'dnc', last_result: 'opted_out', calls: 1 });
    expect(rows.get(confirm)).toMatchObject({ status: 'completed', last_result: 'answered' });
    expect(rows.get(agent)).toMatchObject({ status: 'completed', last_result: 'answered' });
    expect(rows.get(silent)).toMatchObject({ status: 'completed', last_result: 'answered' });
    expect((await sim.call(pressed[2])).connectedTo).toBe(transfer);

    const check = (await t.request('GET', `/api/v1/dnc/check?phone=${encodeURIComponent(optOut)}`)).body;
    expect(check.blocked).toBe(true);
    expect(check.entries[0]).toMatchObject({ source: 'opt_out', campaignId: null, addedBy: expect.stringMatching(/^callee \(call /) });
    const audit = (await t.request('GET', `/api/v1/dnc/audit?phone=${encodeURIComponent(optOut)}`)).body.items;
    expect(audit).toEqual([expect.objectContaining({ action: 'added', source: 'opt_out' })]);
    expect((await t.request('GET', `/api/v1/campaigns/${c.id}/stats`)).body.optOuts).toBe(1);
  });

  it('stops new dials within a couple of seconds of a pause; calls already out finish', async () => {
    const c = await createCampaign(t, { pacing: { callsPerSecond: 3, maxConcurrent: 3 } });
    await importContacts(
      t,
      c.id,
      numbers(504, 30, '1').map((phone) => ({ phone })),
    );
    await start(c.id);
    await waitFor(async () => (await db.query('SELECT 1 FROM calls WHERE campaign_id = $1', [c.id])).length >= 4, 15_000);
    expect((await t.request('POST', `/api/v1/campaigns/${c.id}/pause`)).body.status).toBe('paused');
    const pausedAt = Date.now();
    await waitFor(async () => (await contacts(c.id)).every((r) => r.status !== 'in_progress'), 15_000);
    // Nothing can be dialled late: no call is still queued (a dial job only dials a queued call), and a tick now
    // claims nothing for the paused campaign.
    await waitFor(async () => (await db.query(`SELECT 1 FROM calls WHERE campaign_id = $1 AND state = 'queued'`, [c.id])).length === 0, 15_000);
    expect((await t.app.get(DialerService).tickCampaign(c.id)).outcome).not.toBe('dialled');
    const late: unknown[] = await db.query(`SELECT id FROM calls WHERE campaign_id = $1 AND (created_at > $2 OR initiated_at > $3)`, [
      c.id,
      new Date(pausedAt),
      new Date(pausedAt + 1000),
    ]);
    expect(late).toEqual([]);
    const rows = await contacts(c.id);
    expect(rows.filter((r) => r.status === 'pending').length).toBeGreaterThan(10);
    // A call handed out but not yet dialled was taken back: the contact keeps its attempt.
    for (const r of rows.filter((x) => x.status === 'pending')) expect(r.attempts).toBe(0);
    await t.request('POST', `/api/v1/campaigns/${c.id}/cancel`);
    expect((await contacts(c.id)).filter((r) => r.status === 'pending')).toEqual([]);
  });

  it('pauses itself when its calls have cost the spend cap', async () => {
    // +1 numbers cost 0.0135 USD per started minute in the simulator: the second answered call passes 0.02.
    const c = await createCampaign(t, { pacing: { callsPerSecond: 1, maxConcurrent: 1 }, spendCap: { amount: '0.02', currency: 'USD' } });
    await importContacts(
      t,
      c.id,
      numbers(505, 10, '1').map((phone) => ({ phone })),
    );
    await start(c.id);
    await waitFor(async () => (await campaign(c.id)).status === 'paused', 20_000);
    const paused = await campaign(c.id);
    expect(paused.statusReason).toMatch(/^Spend cap reached: 0\.027 of 0\.02 USD$/);
    await waitFor(async () => (await contacts(c.id)).every((r) => r.status !== 'in_progress'), 10_000);
    const placed: { n: number }[] = await db.query('SELECT count(*)::int AS n FROM calls WHERE campaign_id = $1 AND sinch_call_id IS NOT NULL', [c.id]);
    expect(placed[0].n).toBeLessThanOrEqual(3);
    const stats = (await t.request('GET', `/api/v1/campaigns/${c.id}/stats`)).body;
    expect(Number(stats.spend[0].amount)).toBeGreaterThanOrEqual(0.02);
    // Resuming over the cap pauses it again at once.
    await t.request('POST', `/api/v1/campaigns/${c.id}/resume`);
    await waitFor(async () => (await campaign(c.id)).status === 'paused', 10_000);
    await t.request('POST', `/api/v1/campaigns/${c.id}/cancel`);
  });

  it('pauses itself, naming the field, when a call request would be refused by Sinch (nothing is placed)', async () => {
    const c = await createCampaign(t);
    await importContacts(t, c.id, [{ phone: '+14045070001' }]);
    // A number an older version let through: Sinch would answer 400 for it.
    await db.query(`UPDATE campaign_contacts SET phone = '04045070001' WHERE campaign_id = $1`, [c.id]);
    await start(c.id);
    await waitFor(async () => (await campaign(c.id)).status === 'paused', 10_000);
    expect((await campaign(c.id)).statusReason).toMatch(/^Invalid call request: \[0\]\.customCallout\.ice\.action\.number: .*E\.164/);
    expect(await contacts(c.id)).toEqual([expect.objectContaining({ status: 'pending', attempts: 0, calls: 0 })]);
    await t.request('POST', `/api/v1/campaigns/${c.id}/cancel`);
  });

  it("settles a call whose DiCE never came, from the reconciler's answer", async () => {
    const [answered, busy] = ['+14045060001', '+14045060017'];
    const c = await createCampaign(t, { retryPolicy: { busy: { delayS: 1, maxAttempts: 2 } } });
    await importContacts(t, c.id, [{ phone: answered }, { phone: busy }]);
    await sim.setFaults({ dropDice: true });
    try {
      await start(c.id);
      await allFinal(c.id, 30_000);
    } finally {
      await sim.clearFaults();
    }
    const rows = await byPhone(c.id);
    expect(rows.get(answered)).toMatchObject({ status: 'completed', calls: 1 });
    expect(rows.get(busy)).toMatchObject({ status: 'exhausted', calls: 2, last_result: 'busy' });
    const sources: { final_source: string }[] = await db.query('SELECT DISTINCT final_source FROM calls WHERE campaign_id = $1', [c.id]);
    expect(sources).toEqual([{ final_source: 'reconciled' }]);
  });

  it('never dials a contact twice with several workers claiming at once', async () => {
    const prefix = t.config.redis.queuePrefix;
    const workerEnv = { ...SETTINGS, APP_ROLE: 'worker', QUEUE_PREFIX: prefix, SINCH_VOICE_URL: sim.url };
    const workers = [await createTestApp(workerEnv), await createTestApp(workerEnv)];
    try {
      const phones = numbers(507, 80, '1');
      const c = await createCampaign(t, { pacing: { callsPerSecond: 40, maxConcurrent: 80 } });
      await importContacts(
        t,
        c.id,
        phones.map((phone) => ({ phone })),
      );
      const since = await sim.lastSeq();
      await start(c.id);
      // Besides the scheduled ticks, every process claims for this campaign at the same moments.
      const dialers = [t, ...workers].map((app) => app.app.get(DialerService));
      for (let round = 0; round < 20; round += 1) {
        await Promise.all(dialers.map((d) => d.tickCampaign(c.id)));
        // Not a wait for anything: spacing the rounds lets the scheduled ticks interleave with them.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await allFinal(c.id, 30_000);
      const rows = await contacts(c.id);
      expect(rows.every((r) => r.status === 'completed' && r.calls === 1 && r.attempts === 1)).toBe(true);
      const perCall = calloutsPerCall((await sim.callouts(since)).filter((x) => x.status === 200));
      const ours: { id: string }[] = await db.query('SELECT id FROM calls WHERE campaign_id = $1', [c.id]);
      expect(ours).toHaveLength(80);
      for (const { id } of ours) expect(perCall.get(id)).toHaveLength(1);
    } finally {
      for (const w of workers) await w.close();
    }
  });
});
