import { createHash } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { entryKeys } from 'src/callbacks/inbox/callback-entry';
import { INBOX_JOB, INBOX_JOB_OPTIONS, INBOX_JOBS, type InboxJobData } from 'src/callbacks/inbox/callback-inbox.jobs';
import { isOutage } from 'src/callbacks/inbox/db-errors';
import { DeadLetters, type DeadLetter } from 'src/callbacks/inbox/dead-letters.service';
import { MicroBatcher } from 'src/common/micro-batcher';
import { storageProblems, withoutBilling } from 'src/callbacks/inbox/storable';
import { CallLedger, type LedgerEntry, type LedgerOutcome } from 'src/calls/ledger/call-ledger.service';
import { withDeadline } from 'src/common/deadline';
import { CallbacksError } from 'src/callbacks/callbacks.errors';

// Sinch's ICE timeout is undocumented (5 s in v2): leave room for the Redis fallback within it.
const DB_TIMEOUT_MS = 2_000;
const REDIS_TIMEOUT_MS = 1_500;
const DRAIN_CHECK_MS = 250;

export type StoreResult =
  | { stored: 'postgres'; outcome: LedgerOutcome }
  | { stored: 'redis' }
  // Postgres cannot store it as it is (see storable.ts): kept in callback_dead_letters, never retried.
  | { stored: 'dead_letter'; id: string };

// Where accepted callbacks become durable: Postgres through the micro-batched ledger write, or, only when Postgres
// is unreachable, the callback-inbox queue in Redis, which the worker drains into Postgres later. An event
// Postgres would refuse goes to the dead letters instead: it never fails its batch nor diverts others to Redis.
@Injectable()
export class EventInbox implements OnApplicationShutdown {
  private readonly logger = new Logger('EventInbox');
  private readonly batcher: MicroBatcher<LedgerEntry, LedgerOutcome>;
  private deferring = false;
  private drainCheck?: { at: number; pending: Promise<boolean> };

  constructor(
    private readonly ledger: CallLedger,
    @InjectQueue(INBOX_JOBS.queue) private readonly queue: Queue<InboxJobData>,
    private readonly deadLetters: DeadLetters,
  ) {
    this.batcher = new MicroBatcher({
      run: (entries) => this.ledger.record(entries),
      maxBatch: 500,
      // Two statements in flight: while one commits, the next batch fills. Four made smaller batches (more commits,
      // more Postgres CPU per event): webhook-ice 3,900 req/s with four against 4,100-4,500 with two, interleaved on
      // a 2-core machine, with a lower p90 at 2,000/s offered.
      maxConcurrent: 2,
      keys: entryKeys,
      // One bad row fails the statement for the whole batch: re-run it row by row so only that one fails.
      splitOn: (error) => !isOutage(error),
    });
  }

  async accept(entry: LedgerEntry, body: string): Promise<StoreResult> {
    if (!(await this.mustDefer())) {
      try {
        return await withDeadline(
          this.storeInPostgres(entry, body, (e) => this.batcher.push(e)),
          DB_TIMEOUT_MS,
          'inbox write',
        );
      } catch (error) {
        if (!isOutage(error)) throw error;
        // A write that timed out may still land; the Redis copy then dedupes against it (same dedupe key).
        this.deferring = true;
        this.drainCheck = undefined;
        this.logger.warn({ err: error, event: entry.kind }, 'Postgres cannot take callbacks: deferring them to Redis');
      }
    }
    try {
      const jobId = `evt-${createHash('sha256').update(entry.dedupeKey).digest('base64url')}`;
      const data: InboxJobData = { body, receivedAt: entry.receivedAt.toISOString() };
      await withDeadline(this.queue.add(INBOX_JOB, data, { ...INBOX_JOB_OPTIONS, jobId }), REDIS_TIMEOUT_MS, 'inbox queue');
      return { stored: 'redis' };
    } catch (error) {
      this.logger.error({ err: error, event: entry.kind }, 'Neither Postgres nor Redis can take a callback');
      throw new CallbacksError('callback_not_recorded', 'The callback cannot be recorded now (database and queue unavailable); retry later');
    }
  }

  // Direct write for the worker replaying deferred events: no batching, no Redis; outages reach the caller.
  recordNow(entry: LedgerEntry, body: string): Promise<StoreResult> {
    return this.storeInPostgres(entry, body, async (e) => (await this.ledger.record([e]))[0]);
  }

  // A deferred body that no longer parses (a contract change between accepting and replaying): kept, not retried.
  async deadLetterRaw(body: string, receivedAt: Date, reason: string): Promise<string> {
    const dedupeKey = `raw:${createHash('sha256').update(body).digest('base64url').slice(0, 32)}`;
    return this.deadLetters.store({ dedupeKey, reason, body, receivedAt }, 'unparseable');
  }

  private async storeInPostgres(entry: LedgerEntry, body: string, write: (entry: LedgerEntry) => Promise<LedgerOutcome>): Promise<StoreResult> {
    const problems = storageProblems(entry);
    const fatal = problems.find((p) => !p.billing);
    if (fatal) {
      const reason = fatal.field === 'timestamp' ? 'out_of_range' : 'unstorable_text';
      return { stored: 'dead_letter', id: await this.deadLetters.store(letter(entry, body, fatal.field, fatal.reason), reason) };
    }
    let outcome: LedgerOutcome;
    try {
      outcome = await write(problems.length > 0 ? withoutBilling(entry, problems) : entry);
    } catch (error) {
      if (isOutage(error)) throw error;
      // Passed our checks, yet refused alone (its batch was split): a column rule storable.ts does not know.
      const { code, message } = error as { code?: string; message?: string };
      const refused = letter(entry, body, undefined, `${code ?? 'error'}: ${message ?? String(error)}`);
      return { stored: 'dead_letter', id: await this.deadLetters.store(refused, 'refused_by_database') };
    }
    if (problems.length > 0 && outcome.inserted) {
      // The event and the call's final state are recorded; the billing figures that do not fit are not, visibly.
      const reason = problems.map((p) => `${p.field} ${p.reason}`).join('; ');
      const billing = { ...letter(entry, body, problems[0].field, reason), callId: outcome.callId, markCall: true };
      await this.deadLetters.store(billing, 'billing_out_of_range');
    }
    return { stored: 'postgres', outcome };
  }

  // Once anything went to Redis, new events follow it there until the worker has drained the queue, so the
  // events of one call still reach Postgres in the order they came.
  private async mustDefer(): Promise<boolean> {
    if (!this.deferring) return false;
    const now = Date.now();
    if (!this.drainCheck || now - this.drainCheck.at > DRAIN_CHECK_MS) {
      const counts = this.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused');
      const pending = withDeadline(counts, REDIS_TIMEOUT_MS, 'inbox queue count')
        .then((c) => Object.values(c).some((n) => n > 0))
        // Redis unreachable: nothing can be queued behind, so Postgres may be tried again.
        .catch(() => false);
      this.drainCheck = { at: now, pending };
    }
    const pending = await this.drainCheck.pending;
    if (!pending) this.deferring = false;
    return pending;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.batcher.drain();
  }
}

function letter(entry: LedgerEntry, body: string, field: string | undefined, reason: string): DeadLetter {
  return {
    dedupeKey: entry.dedupeKey,
    kind: entry.kind,
    sinchCallId: entry.sinchCallId,
    callId: entry.ourCallId,
    field,
    reason,
    body,
    receivedAt: entry.receivedAt,
  };
}
