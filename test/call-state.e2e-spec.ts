import { encodeCallCustom } from 'src/calls/call-custom';
import { CallLedger } from 'src/calls/ledger/call-ledger.service';
import { sqlProgress } from 'src/calls/call-state';
import { FINAL_CALL_STATES, type CallState } from 'src/calls/call.entity';
import { CallsService } from 'src/calls/calls.service';
import { createOutboundRow, diceBody, postCallback, sql, uniqueSinchId } from './callbacks-kit';
import { createTestApp, type TestApp } from './test-app';

// The call state machine as production runs it: the forward-only rule is SQL (sqlProgress) over the calls table,
// and the final-state rules are the UPDATEs of CallsService and of the callback ledger. (A DiCE before its ACE and
// the late ACE are covered in callbacks.e2e-spec.ts.)
describe('call state machine (e2e, Postgres)', () => {
  let t: TestApp;
  let calls: CallsService;

  beforeAll(async () => {
    t = await createTestApp();
    calls = t.app.get(CallsService);
  });

  afterAll(async () => {
    await t.close();
  });

  const row = async (id: string) => (await sql(t, 'SELECT state, final_source, debit_amount FROM calls WHERE id = $1', [id]))[0];

  // A call row in `from`, then the same UPDATE expression the ledger and markInitiated run, towards `to`.
  async function progress(from: CallState, to: 'initiated' | 'ringing' | 'answered'): Promise<string> {
    const id = await createOutboundRow(t);
    await sql(t, 'UPDATE calls SET state = $2 WHERE id = $1', [id, from]);
    const rows = await sql<{ state: string }>(t, `UPDATE calls SET state = ${sqlProgress('state', `'${to}'`)} WHERE id = $1 RETURNING state`, [id]);
    return rows[0].state;
  }

  it.each([
    ['queued', 'initiated', 'initiated'],
    ['queued', 'answered', 'answered'],
    ['initiated', 'ringing', 'ringing'],
    ['ringing', 'answered', 'answered'],
    ['answered', 'ringing', 'answered'],
    ['answered', 'initiated', 'answered'],
    ['ringing', 'ringing', 'ringing'],
  ] as const)('%s + progress to %s → %s', async (from, to, expected) => {
    expect(await progress(from, to)).toBe(expected);
  });

  it.each(FINAL_CALL_STATES)('progress never reopens %s', async (state) => {
    expect(await progress(state, 'answered')).toBe(state);
  });

  async function dialledRow(): Promise<{ id: string; sinchCallId: string }> {
    const id = await createOutboundRow(t);
    const sinchCallId = uniqueSinchId();
    await calls.markInitiated(id, sinchCallId);
    return { id, sinchCallId };
  }

  it('the first word from Sinch wins: a late reconcile changes nothing', async () => {
    const { id, sinchCallId } = await dialledRow();
    expect((await postCallback(t, diceBody(sinchCallId, { custom: encodeCallCustom(id) }))).status).toBe(200);
    expect(await row(id)).toEqual({ state: 'completed', final_source: 'dice', debit_amount: '0.012300' });
    // The reconciler's path (CallLedger.record with a final outcome), arriving after the DiCE.
    const [late] = await t.app.get(CallLedger).record([
      {
        dedupeKey: `reconciled:${id}`,
        kind: 'reconciled',
        sinchCallId,
        ourCallId: id,
        receivedAt: new Date(),
        payload: {},
        via: 'reconciler',
        needsFollowUp: true,
        final: { state: 'busy', result: 'BUSY', reason: 'N/A' },
      },
    ]);
    expect(late.finalised).toBe(false);
    expect(await row(id)).toEqual({ state: 'completed', final_source: 'dice', debit_amount: '0.012300' });
  });

  it('a DiCE replaces a failure we recorded ourselves (the call went through after all: keep its billing)', async () => {
    const { id, sinchCallId } = await dialledRow();
    expect(await calls.markFailed(id, { errorMessage: 'outcome unknown' })).toBe(true);
    expect(await row(id)).toEqual({ state: 'failed', final_source: null, debit_amount: null });
    expect((await postCallback(t, diceBody(sinchCallId, { custom: encodeCallCustom(id) }))).status).toBe(200);
    expect(await row(id)).toEqual({ state: 'completed', final_source: 'dice', debit_amount: '0.012300' });
  });

  it('a local failure never overrides a final state', async () => {
    const { id, sinchCallId } = await dialledRow();
    await postCallback(t, diceBody(sinchCallId, { custom: encodeCallCustom(id) }));
    expect(await calls.markFailed(id, { errorMessage: 'too late' })).toBe(false);
    expect(await row(id)).toEqual({ state: 'completed', final_source: 'dice', debit_amount: '0.012300' });
  });
});
