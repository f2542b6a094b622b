import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RollupCheck } from 'src/calls/rollups/rollup-check.service';
import { BudgetsService } from 'src/reports/budgets/budgets.service';
import { createCampaign, importContacts } from './campaign-fixtures';
import { sql } from './callbacks-kit';
import { createTestAppWithOwnDatabase, TestApp } from './test-app';
import { waitFor } from './wait-for';

// Budgets on a database of their own: a global budget at 100 % pauses every running campaign and refuses callouts,
// which must not reach the other suites sharing the run's database.
const SECRET = 'budget-alert-secret-for-the-e2e';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

describe('budgets and signed alerts (e2e)', () => {
  let t: TestApp;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let failNext = 0;

  // A finished call billed `amount` in `currency`, counted in the roll-ups (the drift check adds rows written here).
  async function spend(amount: string, currency: string, campaignId: string | null = null): Promise<void> {
    await sql(
      t,
      `INSERT INTO calls (direction, kind, state, to_number, from_number, country, campaign_id, result, duration_s, debit_amount, debit_currency, final_source)
       VALUES ('outbound', 'tts', 'completed', '+14045099001', '+14045007000', 'US', $1, 'ANSWERED', 60, $2, $3, 'dice')`,
      [campaignId, amount, currency],
    );
    await t.app.get(RollupCheck).checkRecent(1);
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const status = failNext > 0 ? 500 : 200;
        if (failNext > 0) failNext--;
        received.push({ headers: req.headers, body, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
    t = await createTestAppWithOwnDatabase('budgets', { BUDGET_ALERT_SECRET: SECRET, SIMULATOR_TIME_SCALE: '1' });
  });

  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('sends each crossed threshold once, signed, retried when the receiver fails, and pauses the campaign at 100 %', async () => {
    const c = await createCampaign(t, { callerIds: ['+14045007000'], pacing: { callsPerSecond: 1, maxConcurrent: 1 } });
    // Contacts that ring out slowly (…8: no answer at time scale 1): the campaign stays running.
    await importContacts(
      t,
      c.id,
      ['+14045090008', '+14045090018', '+14045090028'].map((phone) => ({ phone })),
    );
    expect((await t.request('POST', `/api/v1/campaigns/${c.id}/start`)).status).toBe(200);
    const created = await t.request('POST', '/api/v1/budgets', {
      body: {
        name: 'Campaign day',
        scope: 'campaign',
        scopeId: c.id,
        period: 'day',
        currency: 'USD',
        amount: '1.00',
        thresholds: [50, 100],
        alertUrls: [receiverUrl],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ thresholds: [50, 100], spent: '0', alerts: [], pauseAtLimit: true, amount: '1' });
    const id = created.body.id;

    failNext = 1;
    await spend('0.6', 'USD', c.id);
    await spend('5', 'EUR', c.id); // another currency: not this budget's
    // Two checks at once (two workers): one alert.
    const budgets = t.app.get(BudgetsService);
    await Promise.all([budgets.check(), budgets.check()]);
    const [{ n }] = await sql(t, 'SELECT count(*)::int AS n FROM budget_alerts WHERE budget_id = $1', [id]);
    expect(n).toBe(1);

    // Delivered after one failure (BullMQ's backoff), signed over "<timestamp>.<body>".
    await waitFor(
      () => received.some((r) => r.status === 200),
      20_000,
      () => `received ${received.length}`,
    );
    expect(received.map((r) => r.status)).toEqual([500, 200]);
    for (const r of received) {
      const timestamp = r.headers['x-budget-timestamp'] as string;
      const expected = createHmac('sha256', SECRET).update(`${timestamp}.${r.body}`).digest('hex');
      expect(r.headers['x-budget-signature']).toBe(`sha256=${expected}`);
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(120);
    }
    expect(JSON.parse(received[1].body)).toMatchObject({
      type: 'budget.threshold_crossed',
      budgetId: id,
      threshold: 50,
      currency: 'USD',
      amount: '1',
      spend: '0.6',
      scope: 'campaign',
      scopeId: c.id,
    });
    const read = await t.request('GET', `/api/v1/budgets/${id}`, { key: t.keys.reporting });
    expect(read.body.spent).toBe('0.6');
    expect(read.body.alertUrls).toEqual([new URL(receiverUrl).origin]); // a reporting key: the origin only
    expect((await t.request('GET', `/api/v1/budgets/${id}`)).body.alertUrls).toEqual([receiverUrl]);
    expect(read.body.alerts).toHaveLength(1);
    expect(read.body.alerts[0].deliveries.map((d: { attempt: number; status: number }) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect((await t.request('GET', `/api/v1/campaigns/${c.id}`)).body.status).toBe('running');

    // 100 %: the second alert, and the campaign is paused; checking again sends nothing more.
    await spend('0.4', 'USD', c.id);
    await budgets.check();
    await budgets.check();
    await waitFor(
      () => received.filter((r) => r.status === 200).length === 2,
      20_000,
      () => `received ${received.length}`,
    );
    expect(JSON.parse(received[received.length - 1].body)).toMatchObject({ threshold: 100, spend: '1' });
    expect((await t.request('GET', `/api/v1/campaigns/${c.id}`)).body.status).toBe('paused');
    const [{ alerts }] = await sql(t, 'SELECT count(*)::int AS alerts FROM budget_alerts WHERE budget_id = $1', [id]);
    expect(alerts).toBe(2);
    expect(received).toHaveLength(3);

    // Resumed while the budget is still spent this period: the next check pauses it again (and sends nothing).
    expect((await t.request('POST', `/api/v1/campaigns/${c.id}/resume`)).status).toBe(200);
    await budgets.check();
    expect((await t.request('GET', `/api/v1/campaigns/${c.id}`)).body.status).toBe('paused');
    expect(received).toHaveLength(3);
  });

  it('a spent global budget refuses new callouts with 409 until it is removed', async () => {
    const created = await t.request('POST', '/api/v1/budgets', {
      body: { name: 'All calls', scope: 'global', period: 'month', timeZone: 'Europe/Stockholm', currency: 'SEK', amount: '2', thresholds: [80] },
    });
    expect(created.status).toBe(201);
    expect(created.body.thresholds).toEqual([80, 100]); // pausing at the limit needs the 100 % threshold
    const callout = () => t.request('POST', '/api/v1/callouts', { body: { type: 'tts', destination: '+14045099002', text: 'Budget' } });
    const keyed = (key: string, path = '/api/v1/callouts', body: unknown = { type: 'tts', destination: '+14045099003', text: 'Keyed' }) =>
      t.request('POST', path, { body, headers: { 'idempotency-key': key } });
    const batchBody = { calls: [{ type: 'tts', destination: '+14045099004', text: 'Keyed batch' }] };
    const first = await keyed('budget-replay-single');
    const firstBatch = await keyed('budget-replay-batch', '/api/v1/callouts/batch', batchBody);
    expect([first.status, firstBatch.status]).toEqual([202, 202]);
    expect((await callout()).status).toBe(202);
    await spend('2.5', 'SEK');
    await t.app.get(BudgetsService).check();
    const refused = await callout();
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('budget_exhausted');
    expect(refused.body.message).toContain('All calls');
    // A replay of a request accepted before the budget was spent answers what was answered; a new key is refused.
    const replay = await keyed('budget-replay-single');
    expect([replay.status, replay.body.id]).toEqual([202, first.body.id]);
    const replayBatch = await keyed('budget-replay-batch', '/api/v1/callouts/batch', batchBody);
    expect([replayBatch.status, replayBatch.body]).toEqual([202, firstBatch.body]);
    const fresh = await keyed('budget-replay-new');
    expect([fresh.status, fresh.body.code]).toEqual([409, 'budget_exhausted']);
    const freshBatch = await keyed('budget-replay-new-batch', '/api/v1/callouts/batch', batchBody);
    expect([freshBatch.status, freshBatch.body.code]).toEqual([409, 'budget_exhausted']);
    expect((await t.request('DELETE', `/api/v1/budgets/${created.body.id}`)).status).toBe(204);
    expect((await callout()).status).toBe(202);
  });

  it("a stale re-dispatch of last period's 100 % alert notifies but pauses nothing in the new period", async () => {
    const c = await createCampaign(t, { callerIds: ['+14045007000'], pacing: { callsPerSecond: 1, maxConcurrent: 1 } });
    await importContacts(
      t,
      c.id,
      ['+14045091008', '+14045091018', '+14045091028'].map((phone) => ({ phone })),
    );
    expect((await t.request('POST', `/api/v1/campaigns/${c.id}/start`)).status).toBe(200);
    const created = await t.request('POST', '/api/v1/budgets', {
      body: { name: 'Yesterday', scope: 'campaign', scopeId: c.id, period: 'day', currency: 'USD', amount: '1', thresholds: [100] },
    });
    expect(created.status).toBe(201);
    // Yesterday's 100 % crossing whose process died before dispatching it.
    const [{ id: alertId }] = await sql(
      t,
      `INSERT INTO budget_alerts (budget_id, period_start, threshold, spend, crossed_at)
       VALUES ($1, (now() AT TIME ZONE 'UTC')::date - 1, 100, 1, now() - interval '5 minutes') RETURNING id`,
      [created.body.id],
    );
    await t.app.get(BudgetsService).check();
    const [{ dispatched }] = await sql(t, 'SELECT dispatched_at IS NOT NULL AS dispatched FROM budget_alerts WHERE id = $1', [alertId]);
    expect(dispatched).toBe(true);
    expect((await t.request('GET', `/api/v1/campaigns/${c.id}`)).body.status).toBe('running');
  });

  it('answers 400 naming the field, 403 for a reporting key writing', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await t.request('POST', '/api/v1/budgets', { body: { name: 'x', scope: 'global', period: 'day', currency: 'USD', amount: '1', ...body } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.details)).toContain(field);
    };
    await bad({ scope: 'campaign' }, 'scopeId');
    await bad({ currency: 'XYZ' }, 'currency');
    await bad({ amount: '0' }, 'amount');
    await bad({ amount: '1.5e3' }, 'amount');
    await bad({ period: 'week' }, 'period');
    await bad({ timeZone: 'Asia/Kolkata' }, 'timeZone');
    await bad({ thresholds: [0] }, 'thresholds');
    await bad({ alertUrls: ['not a url'] }, 'alertUrls');
    const missing = '00000000-0000-4000-8000-000000000000';
    await bad({ scope: 'campaign', scopeId: missing }, 'scopeId');
    await bad({ scope: 'queue', scopeId: missing }, 'scopeId');
    await bad({ scope: 'queue', scopeId: missing, pauseAtLimit: true }, 'pauseAtLimit');
    const reporting = await t.request('POST', '/api/v1/budgets', {
      key: t.keys.reporting,
      body: { name: 'x', scope: 'global', period: 'day', currency: 'USD', amount: '1' },
    });
    expect(reporting.status).toBe(403);
    expect((await t.request('GET', '/api/v1/budgets/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
