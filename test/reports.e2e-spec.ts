import { randomUUID } from 'node:crypto';
import { encodeCallCustom } from 'src/calls/call-custom';
import { CallsService } from 'src/calls/calls.service';
import { CallLedger } from 'src/calls/ledger/call-ledger.service';
import { RollupCheck } from 'src/calls/rollups/rollup-check.service';
import { diceBody, postCallback, sql, uniqueSinchId } from './callbacks-kit';
import { createTestApp, type TestApp } from './test-app';

// Cost reports against sums computed here, independently, from the calls table: every grouping, several currencies,
// late DiCE replacing our own failure, reconciled calls, and calls on both sides of day edges in a zone.

const FROM = '2026-02-27T10:30:00.000Z'; // not a whole hour: the edges come from the call log
const TO = '2026-03-04T00:00:00.000Z';
const ZONE = 'Europe/Stockholm'; // UTC+1 in this period

// The independent definitions: how each dimension reads a calls row.
const DIMENSION_SQL: Record<string, (tz: string) => string> = {
  day: (tz) => `to_char((created_at AT TIME ZONE '${tz}')::date, 'YYYY-MM-DD')`,
  week: (tz) => `to_char(date_trunc('week', created_at AT TIME ZONE '${tz}'), 'YYYY-MM-DD')`,
  month: (tz) => `to_char(date_trunc('month', created_at AT TIME ZONE '${tz}'), 'YYYY-MM-DD')`,
  campaign: () => 'campaign_id::text',
  queue: () => 'queue_id::text',
  conference: () => 'conference_id',
  country: () => 'trim(country)',
  callerId: () => "CASE WHEN direction = 'outbound' THEN from_number END",
  numberDialled: () => "CASE WHEN direction = 'inbound' THEN to_number END",
  direction: () => 'direction',
  result: () => 'result',
  agent: () => 'NULL::text',
};

const trim = (amount: string): string => (amount.includes('.') ? amount.replace(/0+$/, '').replace(/\.$/, '') : amount);

// A report's JSON as the tests read it.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Expected {
  calls: number;
  answered: number;
  talkSeconds: number;
  billedMinutes: number;
  spend: { currency: string; amount: string }[];
}

describe('cost reports (e2e)', () => {
  let t: TestApp;
  const campaignA = randomUUID();
  const campaignB = randomUUID();
  const queueId = randomUUID();
  const created: string[] = [];
  const ids: Record<string, string> = {};

  async function outbound(at: string, options: { from: string; to: string; country: string; campaignId?: string; queueId?: string; conferenceId?: string }) {
    const [call] = await t.app.get(CallsService).createOutbound([
      {
        kind: 'tts',
        toNumber: options.to,
        fromNumber: options.from,
        country: options.country,
        request: { text: 'x' },
        campaignId: options.campaignId,
        queueId: options.queueId,
        conferenceId: options.conferenceId,
      },
    ]);
    await sql(t, 'UPDATE calls SET created_at = $2 WHERE id = $1', [call.id, at]);
    const sinchCallId = uniqueSinchId();
    await t.app.get(CallsService).markInitiated(call.id, sinchCallId);
    created.push(call.id);
    return { id: call.id, sinchCallId };
  }

  async function dice(call: { id: string; sinchCallId: string }, result: string, duration: number, currency: string, amount: number, rate = 0.02) {
    const body = diceBody(call.sinchCallId, {
      custom: encodeCallCustom(call.id),
      result,
      reason: result === 'ANSWERED' ? 'CALLEEHANGUP' : 'N/A',
      duration,
      debit: { currencyId: currency, amount },
      userRate: { currencyId: currency, amount: rate },
    });
    expect((await postCallback(t, body)).status).toBe(200);
  }

  async function reconciled(call: { id: string; sinchCallId: string }, result: string, duration: number, currency: string, amount: string) {
    const [outcome] = await t.app.get(CallLedger).record([
      {
        dedupeKey: `reconciled:${call.id}`,
        kind: 'reconciled',
        sinchCallId: call.sinchCallId,
        ourCallId: call.id,
        receivedAt: new Date(),
        payload: {},
        via: 'reconciler',
        needsFollowUp: false,
        final: {
          state: result === 'ANSWERED' ? 'completed' : 'no_answer',
          result,
          reason: 'N/A',
          durationS: duration,
          debit: { amount, currency },
          rate: { amount: '0.02', currency },
        },
      },
    ]);
    expect(outcome.finalised).toBe(true);
  }

  async function inbound(at: string, from: string, to: string, country: string) {
    const sinchCallId = uniqueSinchId();
    const [ice] = await t.app.get(CallLedger).record([
      {
        dedupeKey: `ice:${sinchCallId}`,
        kind: 'ice',
        sinchCallId,
        receivedAt: new Date(),
        payload: {},
        via: 'webhook',
        needsFollowUp: false,
        inbound: { from, to, country, domain: 'pstn' },
      },
    ]);
    await sql(t, 'UPDATE calls SET created_at = $2 WHERE id = $1', [ice.callId, at]);
    created.push(ice.callId as string);
    return { id: ice.callId as string, sinchCallId };
  }

  async function expected(groupBy: string[], tz: string, where = 'TRUE'): Promise<Map<string, Expected>> {
    const keys = groupBy.map((g) => DIMENSION_SQL[g](tz));
    const keyList = keys.length > 0 ? `jsonb_build_array(${keys.join(', ')})` : `'[]'::jsonb`;
    const base = `FROM calls WHERE state IN ('completed', 'busy', 'no_answer', 'failed', 'cancelled') AND created_at >= $1 AND created_at < $2 AND (${where})`;
    const counts = await sql(
      t,
      `SELECT ${keyList} AS k, count(*)::int AS calls, count(*) FILTER (WHERE state = 'completed')::int AS answered,
         coalesce(sum(duration_s), 0)::int AS talk, coalesce(sum(ceil(duration_s / 60.0)), 0)::int AS billed
       ${base} GROUP BY 1`,
      [FROM, TO],
    );
    const money = await sql(
      t,
      `SELECT ${keyList} AS k, trim(debit_currency) AS currency, sum(debit_amount)::text AS amount ${base} AND debit_currency IS NOT NULL GROUP BY 1, 2 ORDER BY 2`,
      [FROM, TO],
    );
    const map = new Map<string, Expected>();
    for (const c of counts) map.set(JSON.stringify(c.k), { calls: c.calls, answered: c.answered, talkSeconds: c.talk, billedMinutes: c.billed, spend: [] });
    for (const m of money) map.get(JSON.stringify(m.k))?.spend.push({ currency: m.currency, amount: trim(m.amount) });
    return map;
  }

  async function report(params: Record<string, string>): Promise<Json> {
    const res = await t.request('GET', `/api/v1/reports/costs?${new URLSearchParams({ from: FROM, to: TO, limit: '1000', ...params })}`, {
      key: t.keys.reporting,
    });
    expect(res.status).toBe(200);
    return res.body;
  }

  const actual = (body: Json, groupBy: string[]): Map<string, Expected> =>
    new Map(
      body.items.map((i: Json) => [
        JSON.stringify(groupBy.map((g) => i[g])),
        { calls: i.calls, answered: i.answered, talkSeconds: i.talkSeconds, billedMinutes: i.billedMinutes, spend: i.spend },
      ]),
    );

  beforeAll(async () => {
    t = await createTestApp();
    const se = { from: '+46850001000', country: 'SE' };
    // Day edges in Stockholm: 22:59:59Z is March 1st there, 23:00:00Z March 2nd.
    const a1 = await outbound('2026-03-01T22:59:59Z', { ...se, to: '+46701000001', campaignId: campaignA });
    const a2 = await outbound('2026-03-01T23:00:00Z', { ...se, to: '+46701000002', campaignId: campaignA });
    const a3 = await outbound('2026-02-27T10:45:00Z', { from: '+14155550100', to: '+14155551000', country: 'US', campaignId: campaignB, queueId });
    const a4 = await outbound('2026-03-03T23:59:00Z', { from: '+14155550100', to: '+14155551001', country: 'US', conferenceId: 'room-1' });
    const a5 = await outbound('2026-03-02T12:00:00Z', { ...se, to: '+46701000003', campaignId: campaignB });
    const a6 = await outbound('2026-03-02T12:30:00Z', { from: '=cmd()', to: '+44200000000', country: 'GB' });
    const outside = await outbound('2026-02-27T10:29:59Z', { ...se, to: '+46701000004', campaignId: campaignA });
    await dice(a1, 'ANSWERED', 61, 'EUR', 0.0123);
    await dice(a2, 'ANSWERED', 120, 'USD', 0.5, 0.25); // 2 minutes at 0.25: billed as rated
    await dice(a3, 'NOANSWER', 0, 'USD', 0);
    await dice(a4, 'ANSWERED', 7, 'SEK', 1.25);
    await dice(outside, 'ANSWERED', 30, 'EUR', 9);
    // A late DiCE replaces the failure we recorded ourselves: the call moves from failed to completed.
    expect(await t.app.get(CallsService).markFailed(a5.id, { errorMessage: 'outcome unknown' })).toBe(true);
    const beforeLate = await report({ groupBy: 'result' });
    expect(beforeLate.items.find((i: { result: string | null }) => i.result === null)).toMatchObject({ calls: 1, answered: 0 });
    await dice(a5, 'ANSWERED', 59, 'EUR', 0.3333);
    await reconciled(a6, 'ANSWERED', 181, 'GBP', '0.987654');
    const i1 = await inbound('2026-03-02T08:00:00Z', '+46739999999', '+46850002000', 'SE');
    await dice(i1, 'ANSWERED', 300, 'EUR', 0.1, 0.03); // SE in EUR at 0.03 after 0.02: a rate change
    Object.assign(ids, { a1: a1.id, a2: a2.id, a3: a3.id, i1: i1.id });
    await inbound('2026-03-02T09:00:00Z', '+46739999998', '+46850002000', 'SE'); // still ringing: not counted
  });

  afterAll(async () => {
    await t.close();
  });

  const GROUPINGS: string[][] = [
    [],
    ['day'],
    ['week'],
    ['month'],
    ['campaign'],
    ['queue'],
    ['conference'],
    ['country'],
    ['callerId'],
    ['numberDialled'],
    ['direction'],
    ['result'],
    ['agent'],
    ['day', 'campaign'],
    ['country', 'direction', 'result'],
  ];

  it.each(GROUPINGS.map((g) => [g.join(',') || '(none)', g]))(
    'groupBy %s equals the call log, from the roll-ups and from ?source=raw',
    async (_name, groupBy) => {
      const want = await expected(groupBy as string[], ZONE);
      for (const source of ['rollups', 'raw']) {
        const body = await report({ groupBy: (groupBy as string[]).join(','), timeZone: ZONE, source });
        expect(body.source).toBe(source);
        expect(actual(body, groupBy as string[])).toEqual(want);
        expect(body.total).toBe(want.size);
      }
    },
  );

  it('cuts days at the zone: 22:59:59Z and 23:00:00Z fall on different Stockholm days and the same UTC day', async () => {
    const stockholm = await report({ groupBy: 'day', timeZone: ZONE, campaign: campaignA });
    expect(stockholm.items.map((i: { day: string; calls: number }) => [i.day, i.calls])).toEqual([
      ['2026-03-01', 1],
      ['2026-03-02', 1],
    ]);
    const utc = await report({ groupBy: 'day', campaign: campaignA });
    expect(utc.items.map((i: { day: string; calls: number }) => [i.day, i.calls])).toEqual([['2026-03-01', 2]]);
  });

  it('a zone at half an hour reads the call log and still cuts its days exactly', async () => {
    const body = await report({ groupBy: 'day', timeZone: 'Asia/Kolkata' });
    expect(body.source).toBe('raw');
    expect(actual(body, ['day'])).toEqual(await expected(['day'], 'Asia/Kolkata'));
  });

  it('filters, totals, cost per answered call and paging', async () => {
    const body = await report({ groupBy: 'country', currency: 'EUR,USD', sort: '-calls', limit: '1' });
    const want = await expected(['country'], 'UTC', "trim(debit_currency) IN ('EUR', 'USD')");
    expect(body.items).toHaveLength(1);
    expect(body.total).toBe(want.size);
    expect(body.items[0].country).toBe('SE');
    expect(actual(body, ['country']).get('["SE"]')).toEqual(want.get('["SE"]'));
    // SE: EUR 0.0123 + 0.3333 + 0.1 over 4 answered calls; USD 0.5 over the same 4.
    expect(body.items[0].costPerAnsweredCall).toEqual([
      { currency: 'EUR', amount: '0.1114' },
      { currency: 'USD', amount: '0.125' },
    ]);
    const totals = await expected([], 'UTC', "trim(debit_currency) IN ('EUR', 'USD')");
    expect({ ...body.totals, costPerAnsweredCall: undefined }).toEqual({ ...totals.get('[]'), costPerAnsweredCall: undefined });
    const second = await report({ groupBy: 'country', currency: 'EUR,USD', sort: '-calls', limit: '1', offset: '1' });
    expect(second.items[0].country).toBe('US');
  });

  it('streams the report and the call log as CSV with formula cells escaped', async () => {
    const res = await t.request('GET', `/api/v1/reports/costs?${new URLSearchParams({ from: FROM, to: TO, groupBy: 'callerId,result' })}`, {
      key: t.keys.reporting,
      headers: { accept: 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('callerId,result,calls,answered,talk_seconds,billed_minutes,currency,spend,cost_per_answered_call');
    expect(lines).toContain("'=cmd(),ANSWERED,1,1,181,4,GBP,0.987654,0.987654");
    expect(lines).toContain("'+46850001000,ANSWERED,3,3,240,5,EUR,0.3456,0.1152");
    const same = await t.request('GET', `/api/v1/reports/costs?${new URLSearchParams({ from: FROM, to: TO, groupBy: 'callerId,result', format: 'csv' })}`, {
      key: t.keys.reporting,
    });
    expect(same.text).toBe(res.text);

    const calls = await t.request('GET', `/api/v1/reports/calls.csv?${new URLSearchParams({ from: FROM, to: TO })}`, { key: t.keys.reporting });
    expect(calls.status).toBe(200);
    const rows = calls.text.trim().split('\r\n');
    const [{ n }] = await sql(t, 'SELECT count(*)::int AS n FROM calls WHERE created_at >= $1 AND created_at < $2', [FROM, TO]);
    expect(rows).toHaveLength(n + 1);
    expect(rows[0].split(',').slice(0, 3)).toEqual(['id', 'created_at', 'direction']);
    expect(rows.some((r) => r.includes(",'=cmd(),"))).toBe(true);
    expect(rows.some((r) => r.includes("'+46701000001"))).toBe(true);
  });

  it('the check job finds drifted roll-ups and repairs them to the call log', async () => {
    await sql(t, `UPDATE call_rollups SET calls = calls + 5, spend = spend + 1 WHERE country = 'GB'`);
    await sql(t, `DELETE FROM call_rollups WHERE country = 'US'`);
    const result = await t.app.get(RollupCheck).checkRecent(3650);
    expect(result.keysRepaired).toBeGreaterThanOrEqual(3);
    expect(actual(await report({ groupBy: 'country' }), ['country'])).toEqual(await expected(['country'], 'UTC'));
    expect((await t.app.get(RollupCheck).checkRecent(3650)).keysRepaired).toBe(0);
    const metrics = await t.request('GET', '/metrics', { key: null });
    expect(metrics.text).toMatch(/call_rollups_repaired_total [1-9]/);
  });

  it('reads whole days from the daily tier, kept by the hourly writes, checked and repaired against the hourly tier', async () => {
    // Drift planted in the daily tier only: a report over whole UTC days reads it, the call log does not.
    await sql(t, `UPDATE call_rollups_daily SET calls = calls + 7 WHERE day = '2026-03-02' AND country = 'GB'`);
    const drifted = await report({ groupBy: 'country' });
    expect(drifted.items.find((i: Json) => i.country === 'GB').calls).toBe((await expected(['country'], 'UTC')).get('["GB"]')!.calls + 7);
    const result = await t.app.get(RollupCheck).checkRecent(3650);
    expect(result.dailyKeysRepaired).toBeGreaterThanOrEqual(1);
    expect(actual(await report({ groupBy: 'country' }), ['country'])).toEqual(await expected(['country'], 'UTC'));
    // The daily rows are the hourly rows summed per day of the zone, key by key.
    const mismatch = await sql(
      t,
      `SELECT * FROM (SELECT (bucket AT TIME ZONE 'UTC')::date AS day, campaign_id, country, state, currency, sum(calls) AS calls, sum(spend) AS spend
                       FROM call_rollups WHERE bucket >= '2026-02-27' AND bucket < '2026-03-05' GROUP BY 1, 2, 3, 4, 5) h
       FULL JOIN (SELECT day, campaign_id, country, state, currency, sum(calls) AS calls, sum(spend) AS spend
                  FROM call_rollups_daily WHERE day >= '2026-02-27' AND day < '2026-03-05' GROUP BY 1, 2, 3, 4, 5) d
         USING (day, campaign_id, country, state, currency)
       WHERE h.calls IS DISTINCT FROM d.calls OR h.spend IS DISTINCT FROM d.spend`,
    );
    expect(mismatch).toEqual([]);
  });

  it('re-cuts the daily tier in REPORTS_DAY_ZONE: days of that zone come from it, exactly', async () => {
    const check = t.app.get(RollupCheck);
    await expect(check.useDayZone('Asia/Kolkata')).rejects.toThrow(/REPORTS_DAY_ZONE/);
    await expect(check.useDayZone('Mars/Olympus')).rejects.toThrow(/REPORTS_DAY_ZONE/);
    try {
      await check.useDayZone(ZONE);
      const [{ zone }] = await sql(t, 'SELECT day_zone AS zone FROM call_rollups_settings');
      expect(zone).toBe(ZONE);
      // Stockholm's March 2nd starts at 23:00Z on March 1st: the daily row holds a2 (23:00:00Z), not a1 (22:59:59Z).
      const [{ calls }] = await sql(t, `SELECT sum(calls)::int AS calls FROM call_rollups_daily WHERE day = '2026-03-02' AND campaign_id = $1`, [campaignA]);
      expect(calls).toBe(1);
      for (const groupBy of [['day'], ['week', 'country'], ['month']]) {
        expect(actual(await report({ groupBy: groupBy.join(','), timeZone: ZONE }), groupBy)).toEqual(await expected(groupBy, ZONE));
      }
      expect(actual(await report({ groupBy: 'campaign' }), ['campaign'])).toEqual(await expected(['campaign'], ZONE));
      // UTC days, weeks and months with the tier in Stockholm: the tier's days, with the hour of each that belongs to
      // the UTC day before (23:00Z) moved from the hourly tier.
      for (const groupBy of [['day'], ['week'], ['month', 'country'], ['day', 'campaign']]) {
        expect(actual(await report({ groupBy: groupBy.join(',') }), groupBy)).toEqual(await expected(groupBy, 'UTC'));
      }
    } finally {
      await check.useDayZone('UTC');
    }
  });

  it('lists calls whose debit is not rate x billed minutes, and destinations billed at two rates', async () => {
    const res = await t.request('GET', `/api/v1/reports/anomalies?${new URLSearchParams({ from: FROM, to: TO })}`, { key: t.keys.reporting });
    expect(res.status).toBe(200);
    const listed = res.body.debitMismatches.map((d: { callId: string }) => d.callId);
    expect(listed).toContain(ids.a1);
    expect(listed).not.toContain(ids.a2);
    expect(listed).not.toContain(ids.a3);
    expect(res.body.debitMismatches.find((d: { callId: string }) => d.callId === ids.a1)).toMatchObject({
      durationS: 61,
      billedMinutes: 2,
      rate: '0.02',
      debit: '0.0123',
      expected: '0.04',
      debitCurrency: 'EUR',
    });
    const se = res.body.rateChanges.find((r: { country: string; currency: string }) => r.country === 'SE' && r.currency === 'EUR');
    expect(se.rates.map((r: { rate: string; calls: number }) => [r.rate, r.calls])).toEqual([
      ['0.02', 2],
      ['0.03', 1],
    ]);
    expect(se.rates[1].callIds).toEqual([ids.i1]);
    expect(res.body.rateChanges.find((r: { country: string }) => r.country === 'US')).toBeUndefined();
    const bad = await t.request('GET', `/api/v1/reports/anomalies?from=${TO}&to=${FROM}`, { key: t.keys.reporting });
    expect(bad.status).toBe(400);
    expect((await t.request('GET', `/api/v1/reports/anomalies?from=${FROM}&to=${TO}`, { key: t.keys.agent })).status).toBe(403);
  });

  describe('input', () => {
    const bad = async (params: Record<string, string>, field: string) => {
      const res = await t.request('GET', `/api/v1/reports/costs?${new URLSearchParams(params)}`, { key: t.keys.admin });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
      return res;
    };

    it('answers 400 naming the field', async () => {
      await bad({ from: FROM, to: TO, groupBy: 'planet' }, 'groupBy');
      await bad({ from: TO, to: FROM }, 'from');
      await bad({ from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'to');
      await bad({ from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', source: 'raw' }, 'to');
      await bad({ from: FROM, to: TO, timeZone: 'Mars/Olympus' }, 'timeZone');
      await bad({ from: FROM, to: TO, currency: 'XYZ' }, 'currency');
      await bad({ from: FROM, to: TO, sort: 'planet' }, 'sort');
      await bad({ to: TO }, 'from');
      await bad({ from: FROM, to: TO, limit: '0' }, 'limit');
      const calls = await t.request('GET', `/api/v1/reports/calls.csv?from=${TO}&to=${FROM}`, { key: t.keys.admin });
      expect(calls.status).toBe(400);
    });

    it('needs a key with a reporting role', async () => {
      expect((await t.request('GET', `/api/v1/reports/costs?from=${FROM}&to=${TO}`, { key: null })).status).toBe(401);
      expect((await t.request('GET', `/api/v1/reports/costs?from=${FROM}&to=${TO}`, { key: t.keys.agent })).status).toBe(403);
      expect((await t.request('GET', `/api/v1/reports/calls.csv?from=${FROM}&to=${TO}`, { key: t.keys.agent })).status).toBe(403);
      for (const role of ['admin', 'supervisor'] as const) {
        expect((await t.request('GET', `/api/v1/reports/costs?from=${FROM}&to=${TO}`, { key: t.keys[role] })).status).toBe(200);
      }
    });
  });
});
