import { placeTtsCallout, sim, sql, until } from './callbacks-kit';
import { createTestApp, type TestApp } from './test-app';

describe('reconciler (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ RECONCILE_INTERVAL_S: '1', RECONCILE_ANSWERED_AFTER_S: '1', RECONCILE_UNANSWERED_AFTER_S: '1' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('finalises a call whose DiCE the simulator dropped, with the billing Sinch reports', async () => {
    await sim(t, 'PUT', '/_sim/faults', { dropDice: true });
    try {
      const { id, sinchCallId } = await placeTtsCallout(t, '+14155550123');
      const row = await until(async () => (await sql(t, 'SELECT * FROM calls WHERE id = $1 AND final_source IS NOT NULL', [id]))[0], 20_000);
      const simCall = await sim(t, 'GET', `/_sim/calls/${sinchCallId}`);
      const dropped = (await sim(t, 'GET', `/_sim/events?kind=callback&callId=${sinchCallId}&event=dice`)).events;
      expect(dropped).toEqual([expect.objectContaining({ error: 'dropped' })]);
      expect(row).toMatchObject({
        state: 'completed',
        final_source: 'reconciled',
        result: simCall.result,
        reason: simCall.reason,
        duration_s: simCall.durationS,
        debit_currency: 'USD',
        rate_currency: 'USD',
      });
      expect(row.debit_amount).toBe(Number(simCall.debit).toFixed(6));
      expect(row.rate_amount).toBe(Number(simCall.perMinute).toFixed(6));
      const events = await sql(t, 'SELECT kind, via FROM call_events WHERE call_id = $1 ORDER BY received_at', [id]);
      expect(events).toEqual([
        { kind: 'ace', via: 'webhook' },
        { kind: 'reconciled', via: 'reconciler' },
      ]);
      const metrics = await t.request('GET', '/metrics', { key: null });
      expect(metrics.text).toMatch(/calls_reconcile_checks_total\{outcome="finalised"\} [1-9]/);
      expect(metrics.text).toMatch(/calls_finalised_total\{state="completed",source="reconciled"\} [1-9]/);
    } finally {
      await sim(t, 'PUT', '/_sim/faults', {});
    }
  });
});
