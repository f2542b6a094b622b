import { DataSource } from 'typeorm';
import { createCampaign, importContacts } from './campaign-fixtures';
import { createTestApp, TestApp } from './test-app';
import { waitFor } from './wait-for';

// Cost estimates against what the simulator then bills: a campaign's expected cost range before it runs, the
// similar-campaign history a later campaign's estimate reads, and a callout's cost per minute in its 202.
// Numbers +1404777xxxx are this suite's (the embedded simulator: …1 answered, …8 no answer; US at 0.0135 USD a
// minute). An answered campaign call says its message and hangs up: under a minute, one billed minute.
const SETTINGS = { SIMULATOR_TIME_SCALE: '10', CAMPAIGN_DIALER_INTERVAL_MS: '200', CAMPAIGN_CONFIG_REFRESH_MS: '400' };
// One attempt per contact, two for a no-answer: the estimate's high bound calls every contact twice.
const once = { delayS: 1, maxAttempts: 1 };
const RETRIES = { busy: once, noAnswer: { delayS: 1, maxAttempts: 2 }, failed: once, machine: once };

const numbers = (from: number, count: number, ending: string): string[] =>
  Array.from({ length: count }, (_, i) => `+1404777${String((from + i) * 10 + Number(ending)).padStart(4, '0')}`);

describe('cost estimates (e2e)', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp(SETTINGS);
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("estimates a campaign's cost before it runs, and the campaign then costs an amount inside the range", async () => {
    const answered = numbers(0, 12, '1');
    const noAnswer = numbers(100, 8, '8');
    const c = await createCampaign(t, { callerIds: ['+14045007000'], retryPolicy: RETRIES });
    await importContacts(
      t,
      c.id,
      [...answered, ...noAnswer].map((phone) => ({ phone })),
    );

    // No history to go on for a first campaign to these numbers' country unless given: a 400 naming the fields.
    const given = await t.request('GET', `/api/v1/campaigns/${c.id}/estimate?answerRate=0.6&talkSeconds=30`, { key: t.keys.reporting });
    expect(given.status).toBe(200);
    expect(given.body).toMatchObject({
      campaignId: c.id,
      contacts: 20,
      basis: { answerRateFrom: 'given', answerRate: 0.6, minutesFrom: 'given', billedMinutesPerAnsweredCall: 1, sampleCalls: 0, maxAttempts: 2 },
      byCountry: [{ country: 'US', contacts: 20, rate: { amount: '0.0135', currency: 'USD' } }],
      unpriced: 0,
    });
    // low: 20 contacts x 0.6 x 1 min x 0.0135; high: 20 x (1 - 0.4^2) x 1 x 0.0135.
    expect(given.body.cost).toEqual([{ currency: 'USD', low: '0.162', high: '0.2268' }]);

    expect((await t.request('POST', `/api/v1/campaigns/${c.id}/start`)).status).toBe(200);
    await waitFor(
      async () => {
        const [{ open }] = await db.query(
          `SELECT count(*)::int AS open FROM campaign_contacts WHERE campaign_id = $1 AND status IN ('pending', 'in_progress')`,
          [c.id],
        );
        const [{ unfinished }] = await db.query(
          `SELECT count(*)::int AS unfinished FROM calls WHERE campaign_id = $1 AND state NOT IN ('completed', 'busy', 'no_answer', 'failed', 'cancelled')`,
          [c.id],
        );
        return open === 0 && unfinished === 0;
      },
      90_000,
      () => `campaign ${c.id} still running`,
      200,
    );
    const [{ spent }] = await db.query(`SELECT coalesce(sum(debit_amount), 0)::text AS spent FROM calls WHERE campaign_id = $1 AND debit_currency = 'USD'`, [
      c.id,
    ]);
    const cents = (amount: string): number => Math.round(Number(amount) * 1_000_000);
    expect(cents(spent)).toBeGreaterThanOrEqual(cents(given.body.cost[0].low));
    expect(cents(spent)).toBeLessThanOrEqual(cents(given.body.cost[0].high));
    expect(spent.replace(/0+$/, '')).toBe('0.162'); // 12 answered x 1 min x 0.0135

    // A second campaign to the same country reads the first one's finished calls (12 + 8 x 2 placed) as similar history.
    const next = await createCampaign(t, { callerIds: ['+14045007000'], retryPolicy: RETRIES });
    await importContacts(
      t,
      next.id,
      numbers(200, 5, '1').map((phone) => ({ phone })),
    );
    const similar = await t.request('GET', `/api/v1/campaigns/${next.id}/estimate`, { key: t.keys.reporting });
    expect(similar.status).toBe(200);
    expect(similar.body.basis).toMatchObject({ answerRateFrom: 'similar', minutesFrom: 'similar' });
    expect(similar.body.basis.sampleCalls).toBeGreaterThanOrEqual(28);
    expect(similar.body.cost).toHaveLength(1);
    expect(similar.body.cost[0].currency).toBe('USD');
    expect(similar.body.cost[0].low).toMatch(/^\d+(\.\d{1,6})?$/);
  }, 150_000);

  it('answers 400 naming the fields, 404 for an unknown campaign, 403 for an agent', async () => {
    // A campaign calling a country nobody has called: no history, so answerRate and talkSeconds are required.
    const c = await createCampaign(t, { callerIds: ['+14045007000'] });
    await importContacts(t, c.id, [{ phone: '+3225550101' }]);
    const missing = await t.request('GET', `/api/v1/campaigns/${c.id}/estimate`, { key: t.keys.reporting });
    expect(missing.status).toBe(400);
    expect(missing.body.details.map((d: { field: string }) => d.field)).toEqual(['answerRate', 'talkSeconds']);
    const bad = await t.request('GET', `/api/v1/campaigns/${c.id}/estimate?answerRate=1.5&talkSeconds=-1`, { key: t.keys.reporting });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('answerRate');
    expect(JSON.stringify(bad.body)).toContain('talkSeconds');
    expect((await t.request('GET', '/api/v1/campaigns/00000000-0000-4000-8000-000000000000/estimate?answerRate=0.5&talkSeconds=30')).status).toBe(404);
    expect((await t.request('GET', `/api/v1/campaigns/${c.id}/estimate`, { key: t.keys.agent })).status).toBe(403);
  });

  it("shows a callout's expected cost per minute in its 202, from the rate cache (the number's, else its country's)", async () => {
    const [first, second] = numbers(300, 2, '1');
    const other = '+3225550102';
    // No rate known for the country yet (a country no other suite calls): null, and the callout is still queued.
    const unknown = await t.request('POST', '/api/v1/callouts', { body: { type: 'tts', destination: other, text: 'Estimate' } });
    expect(unknown.status).toBe(202);
    expect(unknown.body.estimatedCostPerMinute).toBeNull();
    expect((await t.request('GET', `/api/v1/numbers/rates?number=${encodeURIComponent(first)}`)).status).toBe(200);
    for (const destination of [first, second]) {
      const res = await t.request('POST', '/api/v1/callouts', { body: { type: 'tts', destination, text: 'Estimate' } });
      expect(res.status).toBe(202);
      expect(res.body.estimatedCostPerMinute).toEqual({ amount: '0.0135', currency: 'USD' });
    }
  });
});
