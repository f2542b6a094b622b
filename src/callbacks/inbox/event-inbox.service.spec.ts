import type { Queue } from 'bullmq';
import type { DeadLetters } from 'src/callbacks/inbox/dead-letters.service';
import { EventInbox } from 'src/callbacks/inbox/event-inbox.service';
import type { CallLedger, LedgerEntry } from 'src/calls/ledger/call-ledger.service';
import { AppError } from 'src/common/app-error';

const entry: LedgerEntry = {
  dedupeKey: 'dice:c1:abc',
  kind: 'dice',
  sinchCallId: 'c1',
  receivedAt: new Date(),
  payload: {},
  via: 'webhook',
  needsFollowUp: false,
};

// Test doubles with only the methods the inbox calls.
function inbox(ledger: Record<string, unknown>, queue: Record<string, unknown>, deadLetters: Record<string, unknown> = {}): EventInbox {
  return new EventInbox(ledger as unknown as CallLedger, queue as unknown as Queue, deadLetters as unknown as DeadLetters);
}

describe('EventInbox', () => {
  it('records in Postgres when it can', async () => {
    const add = jest.fn();
    const result = await inbox({ record: async () => [{ inserted: true, finalised: false }] }, { add }).accept(entry, '{}');
    expect(result).toEqual({ stored: 'postgres', outcome: { inserted: true, finalised: false } });
    expect(add).not.toHaveBeenCalled();
  });

  it('parks the raw body in Redis when Postgres fails, then keeps deferring until the queue has drained', async () => {
    const add = jest.fn(async () => ({}));
    let waiting = 1;
    const record = jest.fn(async () => {
      throw Object.assign(new Error('database "x" is not currently accepting connections'), { code: '55000' });
    });
    const box = inbox({ record }, { add, getJobCounts: async () => ({ wait: waiting }) });
    expect(await box.accept(entry, '{"event":"dice"}')).toEqual({ stored: 'redis' });
    expect(add).toHaveBeenCalledWith(
      'event',
      { body: '{"event":"dice"}', receivedAt: entry.receivedAt.toISOString() },
      expect.objectContaining({ jobId: expect.stringMatching(/^evt-/) }),
    );
    expect(await box.accept({ ...entry, dedupeKey: 'other' }, '{}')).toEqual({ stored: 'redis' });
    expect(record).toHaveBeenCalledTimes(1);
    waiting = 0;
    // The drain check is cached for a moment: move the clock past it rather than waiting.
    const later = Date.now() + 1000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      record.mockImplementation(async () => [{ inserted: true, finalised: false }] as never);
      expect(await box.accept({ ...entry, dedupeKey: 'third' }, '{}')).toMatchObject({ stored: 'postgres' });
    } finally {
      clock.mockRestore();
    }
  });

  it('answers 503 (unavailable) when neither Postgres nor Redis takes the event', async () => {
    const box = inbox(
      {
        record: async () => {
          throw new Error('Connection terminated');
        },
      },
      {
        add: async () => {
          throw new Error('Redis down');
        },
        getJobCounts: async () => {
          throw new Error('Redis down');
        },
      },
    );
    await expect(box.accept(entry, '{}')).rejects.toEqual(expect.objectContaining({ kind: 'unavailable' }));
    await expect(box.accept(entry, '{}')).rejects.toBeInstanceOf(AppError);
  });

  it('dead-letters an event Postgres could not store, without writing it or touching Redis', async () => {
    const record = jest.fn();
    const add = jest.fn();
    const store = jest.fn(async () => 'dl-1');
    const box = inbox({ record }, { add }, { store });
    const result = await box.accept({ ...entry, payload: { cli: 'a\u0000b' } }, '{"cli":"a\\u0000b"}');
    expect(result).toEqual({ stored: 'dead_letter', id: 'dl-1' });
    expect(store).toHaveBeenCalledWith(expect.objectContaining({ field: 'cli', dedupeKey: entry.dedupeKey }), 'unstorable_text');
    expect(record).not.toHaveBeenCalled();
    expect(add).not.toHaveBeenCalled();
  });

  it('dead-letters a row Postgres refuses (not an outage) instead of deferring it to Redis', async () => {
    const add = jest.fn();
    const store = jest.fn(async () => 'dl-2');
    const record = jest.fn(async () => {
      throw Object.assign(new Error('value too long for type character(2)'), { code: '22001' });
    });
    const result = await inbox({ record }, { add }, { store }).accept(entry, '{}');
    expect(result).toEqual({ stored: 'dead_letter', id: 'dl-2' });
    expect(store).toHaveBeenCalledWith(expect.objectContaining({ reason: '22001: value too long for type character(2)' }), 'refused_by_database');
    expect(add).not.toHaveBeenCalled();
  });

  it('records a DiCE whose debit does not fit without the debit, and dead-letters the billing visibly on the call', async () => {
    const record = jest.fn(async (entries: LedgerEntry[]) => entries.map(() => ({ inserted: true, finalised: true, callId: 'call-1', eventId: 'e1' })));
    const store = jest.fn(async () => 'dl-3');
    const final = { state: 'completed' as const, result: 'ANSWERED', reason: 'CALLEEHANGUP', debit: { currency: 'EUR', amount: '1e30' } };
    const result = await inbox({ record }, {}, { store }).accept(
      { ...entry, final: { ...final, debit: { currency: 'EUR', amount: '1000000000000000000000000000000' } } },
      '{}',
    );
    expect(result).toMatchObject({ stored: 'postgres', outcome: { finalised: true } });
    expect(record.mock.calls[0][0][0].final).toEqual({ ...final, debit: undefined });
    expect(store).toHaveBeenCalledWith(expect.objectContaining({ field: 'debit.amount', callId: 'call-1', markCall: true }), 'billing_out_of_range');
  });
});
