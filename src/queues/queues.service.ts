import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { AppError } from 'src/common/app-error';
import { QueuesError } from 'src/queues/queues.errors';
import { startRefreshing } from 'src/common/refresh-loop';
import { AppConfig } from 'src/config/app-config';
import { AdminEvents } from 'src/events/admin-events.service';
import { LIVE_STATES, QueueEntry } from './queue-entry.entity';
import { toCallback, toOverflow, type OverflowActionDto, type QueueSettingsDto } from './queue-settings';
import { Queue } from './queue.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Queue settings: stored in Postgres, kept in memory by every api process (the ICE answers from memory), reloaded
// every QUEUE_REFRESH_MS; the process that saves a queue sees it at once.
@Injectable()
export class QueuesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Queues');
  private cache = new Map<string, Queue>();
  // Callers waiting per queue as of the last reload, plus the ones this process parked since: the ICE's
  // "queue full" check, from memory. Another process's callers since the reload are not counted (at most one
  // reload interval of them), the price of not querying while Sinch waits.
  private waiting = new Map<string, number>();
  private stopRefreshing?: () => void;

  constructor(
    @InjectRepository(Queue) private readonly queues: Repository<Queue>,
    @InjectRepository(QueueEntry) private readonly entries: Repository<QueueEntry>,
    private readonly config: AppConfig,
    private readonly events: AdminEvents,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.stopRefreshing = await startRefreshing(this.logger, 'queues', this.config.queues.refreshMs, () => this.refresh());
  }

  onApplicationShutdown(): void {
    this.stopRefreshing?.();
  }

  async refresh(): Promise<void> {
    const [rows, counts] = await Promise.all([
      this.queues.find(),
      this.entries.query(`SELECT queue_id, count(*)::int AS n FROM queue_entries WHERE state IN ('waiting', 'offered') GROUP BY queue_id`) as Promise<
        { queue_id: string; n: number }[]
      >,
    ]);
    this.cache = new Map(rows.map((q) => [q.id, q]));
    this.waiting = new Map(counts.map((c) => [c.queue_id, c.n]));
  }

  // From memory: whether one more caller fits, counting them in when they do.
  admit(queue: Queue): boolean {
    const waiting = this.waiting.get(queue.id) ?? 0;
    if (queue.maxWaiting !== null && waiting >= queue.maxWaiting) return false;
    this.waiting.set(queue.id, waiting + 1);
    return true;
  }

  // From memory: the ICE path.
  cached(id: string): Queue | undefined {
    return this.cache.get(id);
  }

  list(): Promise<Queue[]> {
    return this.queues.find({ order: { name: 'ASC' } });
  }

  async get(id: string): Promise<Queue> {
    const queue = await this.queues.findOneBy({ id });
    if (!queue) throw new QueuesError('queue_not_found', `Queue ${id} does not exist`);
    return queue;
  }

  // A route names its queue by id; anything that is not a UUID names no queue.
  async exists(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    return this.cache.has(id) || (await this.queues.existsBy({ id }));
  }

  async create(dto: QueueSettingsDto): Promise<Queue> {
    await this.checkSettings(dto);
    const saved = await this.save(this.queues.create(this.columns(dto)));
    this.cache.set(saved.id, saved);
    void this.events.publish('queues', 'queue.created', { queueId: saved.id, name: saved.name });
    return saved;
  }

  async update(id: string, dto: QueueSettingsDto): Promise<Queue> {
    const queue = await this.get(id);
    await this.checkSettings(dto, id);
    const saved = await this.save(this.queues.merge(queue, this.columns(dto)));
    this.cache.set(saved.id, saved);
    void this.events.publish('queues', 'queue.updated', { queueId: saved.id, name: saved.name });
    return saved;
  }

  // A queue with history keeps it: only a queue no caller ever entered can be deleted.
  async remove(id: string): Promise<void> {
    await this.get(id);
    if (await this.entries.existsBy({ queueId: id, state: In([...LIVE_STATES]) })) {
      throw new QueuesError('queue_has_callers', `Queue ${id} has callers waiting`);
    }
    if (await this.entries.existsBy({ queueId: id })) {
      throw new QueuesError('queue_has_history', `Queue ${id} has call history (its statistics would be lost); rename it instead`);
    }
    if (
      await this.queues
        .createQueryBuilder('q')
        .where(`q.overflow_when_full ->> 'queueId' = :id OR q.overflow_after_wait ->> 'queueId' = :id`, { id })
        .getExists()
    ) {
      throw new QueuesError('queue_is_overflow_target', `Queue ${id} is another queue's overflow target`);
    }
    await this.queues.delete({ id });
    this.cache.delete(id);
    void this.events.publish('queues', 'queue.deleted', { queueId: id });
  }

  private columns(dto: QueueSettingsDto): Partial<Queue> {
    return {
      name: dto.name,
      greeting: dto.greeting ?? null,
      holdPrompt: dto.holdPrompt,
      locale: dto.locale ?? null,
      announcePosition: dto.announcePosition ?? false,
      announceEveryS: dto.announceEveryS ?? null,
      maxWaiting: dto.maxWaiting ?? null,
      maxWaitS: dto.maxWaitS ?? null,
      overflowWhenFull: toOverflow(dto.overflowWhenFull),
      overflowAfterWait: toOverflow(dto.overflowAfterWait),
      serviceLevelS: dto.serviceLevelS ?? 20,
      serviceLevelPercent: dto.serviceLevelPercent ?? 80,
      wrapUpS: dto.wrapUpS ?? 0,
      agentAnswerTimeoutS: dto.agentAnswerTimeoutS ?? 20,
      noAnswerStatus: dto.noAnswerStatus ?? 'away',
      callback: toCallback(dto.callback),
    };
  }

  private async checkSettings(dto: QueueSettingsDto, selfId?: string): Promise<void> {
    const problems = [];
    for (const field of ['overflowWhenFull', 'overflowAfterWait'] as const) {
      const action: OverflowActionDto | null | undefined = dto[field];
      if (action?.type !== 'queue') continue;
      if (action.queueId === selfId) problems.push({ field: `${field}.queueId`, rule: 'not_self', message: `${field}.queueId must be another queue` });
      else if (!(await this.queues.existsBy({ id: action.queueId })))
        problems.push({ field: `${field}.queueId`, rule: 'exists', message: `${field}.queueId: queue ${action.queueId} does not exist` });
    }
    if (dto.overflowWhenFull && dto.maxWaiting == null)
      problems.push({ field: 'overflowWhenFull', rule: 'requires', message: 'overflowWhenFull needs maxWaiting' });
    if (dto.overflowAfterWait && dto.maxWaitS == null)
      problems.push({ field: 'overflowAfterWait', rule: 'requires', message: 'overflowAfterWait needs maxWaitS' });
    if (problems.length > 0) throw new AppError('invalid', problems.map((p) => p.message).join('; '), problems);
  }

  private async save(queue: Queue): Promise<Queue> {
    try {
      return await this.queues.save(queue);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new QueuesError('queue_name_taken', `A queue named "${queue.name}" already exists`, [
          { field: 'name', rule: 'unique', message: 'name is taken' },
        ]);
      }
      throw error;
    }
  }
}
