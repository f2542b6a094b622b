import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { Counter } from 'prom-client';
import { withDeadline } from 'src/common/deadline';
import { AppConfig } from 'src/config/app-config';
import { Metrics } from 'src/metrics/metrics';
import { REDIS } from 'src/redis/redis.tokens';
import { EVENT_TOPICS, EventTopic } from './event-stream';

export type { EventTopic } from './event-stream';

const PUBLISH_DEADLINE_MS = 500;
// The history a reconnecting client can resume from (approximate: Redis trims whole nodes). At a few events a
// second that is about an hour; a client that was away longer gets `reset` and reloads its state.
export const EVENT_HISTORY = 10_000;

// One stream for every topic (docs/events.md): its ids order all events, so a single Last-Event-ID resumes a client
// subscribed to several topics exactly. The key sits under the queue prefix and its hash tag, beside BullMQ's keys
// (a queue's keys are `<prefix>:<queue>:...`, never this bare name).
export function eventStreamKey(config: AppConfig): string {
  return `${config.redis.queuePrefix}:admin-events`;
}

// Publishes an admin event (queues, agents, conferences, budgets, campaigns, recordings) to every api process's
// event stream clients. Fire-and-forget safe: Redis trouble is logged and counted, never thrown to the caller, as
// these events are notifications about state kept elsewhere (a client that missed one reloads on `reset`).
@Injectable()
export class AdminEvents {
  private readonly logger = new Logger('AdminEvents');
  private readonly key: string;
  private readonly published: Counter<'topic' | 'outcome'>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
    metrics: Metrics,
  ) {
    this.key = eventStreamKey(config);
    this.published = new Counter({
      name: 'admin_events_published_total',
      help: 'Admin events published to the event stream, by topic and outcome (ok, failed: Redis error or deadline)',
      labelNames: ['topic', 'outcome'] as const,
      registers: [metrics.registry],
    });
  }

  async publish(topic: EventTopic, type: string, data: Record<string, unknown>): Promise<void> {
    try {
      if (!(EVENT_TOPICS as readonly string[]).includes(topic)) throw new Error(`unknown event topic ${String(topic)}`);
      const add = this.redis.xadd(this.key, 'MAXLEN', '~', EVENT_HISTORY, '*', 'topic', topic, 'type', type, 'data', JSON.stringify(data));
      await withDeadline(add, PUBLISH_DEADLINE_MS, 'admin event publish (Redis)');
      this.published.inc({ topic, outcome: 'ok' });
    } catch (err) {
      this.published.inc({ topic, outcome: 'failed' });
      this.logger.warn({ err, topic, type }, 'Publishing an admin event failed; stream clients miss it');
    }
  }
}
