import { createHash } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { entryKeys } from 'src/callbacks/callback-entry';
import { INBOX_JOB, INBOX_JOB_OPTIONS, INBOX_JOBS, type InboxJobData } from 'src/callbacks/callback-inbox.jobs';
import { withTimeout } from 'src/callbacks/db-errors';
import { MicroBatcher } from 'src/callbacks/micro-batcher';
import { CallLedger, type LedgerEntry, type LedgerOutcome } from 'src/calls/call-ledger';
import { AppError } from 'src/common/app-error';

// Sinch's ICE timeout is undocumented (5 s in v2): leave room for the Redis fallback within it.
const DB_TIMEOUT_MS = 2_000;
const REDIS_TIMEOUT_MS = 1_500;
const DRAIN_CHECK_MS = 250;

export type StoreResult = { stored: 'postgres'; outcome: LedgerOutcome } | { stored: 'redis' };

// Where accepted callbacks become durable: Postgres through the micro-batched ledger write, or, when Postgres
// cannot take them, the callback-inbox queue in Redis, which the worker drains into Postgres later.
@Injectable()
export class EventInbox implements OnApplicationShutdown {
  private readonly logger = new Logger('EventInbox');
  private readonly batcher: MicroBatcher<LedgerEntry, LedgerOutcome>;
  private deferring = false;
  private drainCheck?: { at: number; pending: Promise<boolean> };

  constructor(
    private readonly ledger: CallLedger,
    @InjectQueue(INBOX_JOBS.queue) private readonly queue: Queue<InboxJobData>,
  ) {
    this.batcher = new MicroBatcher({ run: (entries) => this.ledger.record(entries), maxBatch: 500, maxConcurrent: 4, keys: entryKeys });
  }

  async accept(entry: LedgerEntry, body: string): Promise<StoreResult> {
    if (!(await this.mustDefer())) {
      try {
        return { stored: 'postgres', outcome: await withTimeout(this.batcher.push(entry), DB_TIMEOUT_MS, 'inbox write') };
      } catch (error) {
        // A write that timed out may still land; the Redis copy then dedupes against it (same dedupe key).
        this.deferring = true;
        this.drainCheck = undefined;
        this.logger.warn({ err: error, event: entry.kind }, 'Postgres cannot take callbacks: deferring them to Redis');
      }
    }
    try {
      const jobId = `evt-${createHash('sha256').update(entry.dedupeKey).digest('base64url')}`;
      const data: InboxJobData = { body, receivedAt: entry.receivedAt.toISOString() };
      await withTimeout(this.queue.add(INBOX_JOB, data, { ...INBOX_JOB_OPTIONS, jobId }), REDIS_TIMEOUT_MS, 'inbox queue');
      return { stored: 'redis' };
    } catch (error) {
      this.logger.error({ err: error, event: entry.kind }, 'Neither Postgres nor Redis can take a callback');
      throw new AppError('unavailable', 'The callback cannot be recorded now (database and queue unavailable); retry later');
    }
  }

  // Direct write for the worker replaying deferred events: no batching, errors reach the caller.
  record(entries: LedgerEntry[]): Promise<LedgerOutcome[]> {
    return this.ledger.record(entries);
  }

  // Once anything went to Redis, new events follow it there until the worker has drained the queue, so the
  // events of one call still reach Postgres in the order they came.
  private async mustDefer(): Promise<boolean> {
    if (!this.deferring) return false;
    const now = Date.now();
    if (!this.drainCheck || now - this.drainCheck.at > DRAIN_CHECK_MS) {
      const counts = this.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused');
      const pending = withTimeout(counts, REDIS_TIMEOUT_MS, 'inbox queue count')
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
