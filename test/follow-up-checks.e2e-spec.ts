import { CallsService } from 'src/calls/calls.service';
import { ConferenceSessions } from 'src/conferences/conference-sessions.service';
import { QueueEntries } from 'src/queues/queue-entries.service';
import { createOutboundRow, diceBody, postCallback, sql, uniqueSinchId, until } from './callbacks-kit';
import { createTestApp, type TestApp } from './test-app';

// Every DiCE's follow-ups ask each feature "is this call one of yours?"; the follow-ups running together share those
// reads (one statement per batch). A call that is a feature's must be found in a batch of calls that are not, and
// the others must get nothing.
describe('DiCE follow-ups arriving together (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('handles the queue caller and the recorded call among forty unrelated DiCEs sent at once, and nothing else', async () => {
    const queue = await t.request('POST', '/api/v1/queues', { body: { name: `burst-${uniqueSinchId()}`, holdPrompt: 'Please hold' } });
    expect(queue.status).toBe(201);
    const caller = uniqueSinchId();
    await sql(
      t,
      `INSERT INTO queue_entries (queue_id, sinch_call_id, entry_route, enqueued_at, parked_at, state) VALUES ($1, $2, 'number', now(), now(), 'waiting')`,
      [queue.body.id, caller],
    );
    const recorded = uniqueSinchId();
    const recordedId = await createOutboundRow(t);
    await t.app.get(CallsService).markInitiated(recordedId, recorded);
    await sql(t, `INSERT INTO recordings (sinch_call_id, call_id, segment, format, started_at) VALUES ($1, $2, 1, 'mp3', now())`, [recorded, recordedId]);
    const others = Array.from({ length: 40 }, () => uniqueSinchId());
    const all = [...others.slice(0, 20), caller, recorded, ...others.slice(20)];

    const answers = await Promise.all(all.map((id) => postCallback(t, diceBody(id))));

    expect(answers.map((a) => a.status)).toEqual(all.map(() => 200));
    const pending = async () =>
      (await sql<{ n: number }>(t, `SELECT count(*)::int AS n FROM call_events WHERE processed_at IS NULL AND sinch_call_id = ANY($1)`, [all]))[0].n;
    await until(async () => (await pending()) === 0);
    expect(await sql(t, 'SELECT state, end_reason FROM queue_entries WHERE sinch_call_id = $1', [caller])).toEqual([
      { state: 'abandoned', end_reason: 'caller_hangup' },
    ]);
    const [segment] = await sql(t, 'SELECT finished_at FROM recordings WHERE sinch_call_id = $1', [recorded]);
    expect(segment.finished_at).toBeInstanceOf(Date);
    expect(await sql(t, 'SELECT count(*)::int AS n FROM queue_entries WHERE sinch_call_id = ANY($1)', [others])).toEqual([{ n: 0 }]);
    expect(await sql(t, 'SELECT count(*)::int AS n FROM recordings WHERE sinch_call_id = ANY($1)', [others])).toEqual([{ n: 0 }]);
  });

  it('answers every question of one batch by its own row: conference legs by Sinch id or by our call id, queue callers only while live', async () => {
    const legBySinchId = uniqueSinchId();
    const legByCallId = await createOutboundRow(t);
    const notALeg = await createOutboundRow(t);
    await sql(t, `INSERT INTO conference_participants (room_id, sinch_call_id, role, direction) VALUES (gen_random_uuid(), $1, 'participant', 'in')`, [
      legBySinchId,
    ]);
    await sql(t, `INSERT INTO conference_participants (room_id, call_id, role, direction) VALUES (gen_random_uuid(), $1, 'participant', 'out')`, [legByCallId]);
    const sessions = t.app.get(ConferenceSessions);
    expect(
      await Promise.all([
        sessions.isLeg(legBySinchId, undefined),
        sessions.isLeg(uniqueSinchId(), legByCallId),
        sessions.isLeg(uniqueSinchId(), notALeg),
        sessions.isLeg(uniqueSinchId(), undefined),
      ]),
    ).toEqual([true, true, false, false]);

    const queue = await t.request('POST', '/api/v1/queues', { body: { name: `live-${uniqueSinchId()}`, holdPrompt: 'Please hold' } });
    const states = ['waiting', 'offered', 'connected', 'abandoned', 'completed'];
    const callers = states.map(() => uniqueSinchId());
    for (const [i, state] of states.entries()) {
      await sql(
        t,
        `INSERT INTO queue_entries (queue_id, sinch_call_id, entry_route, enqueued_at, parked_at, state) VALUES ($1, $2, 'number', now(), now(), $3)`,
        [queue.body.id, callers[i], state],
      );
    }
    const entries = t.app.get(QueueEntries);
    expect(await Promise.all([...callers, uniqueSinchId()].map((id) => entries.isLive(id)))).toEqual([true, true, true, false, false, false]);
  });
});
