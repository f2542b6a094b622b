import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { Counter, Gauge } from 'prom-client';
import { withDeadline } from 'src/common/deadline';
import { AppConfig } from 'src/config/app-config';
import { Metrics } from 'src/metrics/metrics';
import { redisOptionsFromUrl } from 'src/redis/redis-options';
import { REDIS } from 'src/redis/redis.tokens';
import { eventStreamKey } from './admin-events.service';
import { EventsError } from './events.errors';
import { compareStreamIds, eventFromEntry, EventTopic, formatControl, formatEvent, headFromInfo, StreamEvent, StreamHead } from './event-stream';

export const MAX_CLIENTS_PER_PROCESS = 500;
export const HEARTBEAT_MS = 15_000;
const QUERY_DEADLINE_MS = 2_000;
const READ_BLOCK_MS = 5_000;
const READ_DEADLINE_MS = READ_BLOCK_MS + 10_000; // a hung connection is dropped and re-made
const RETRY_MS = 1_000;
const BACKFILL_PAGE = 500;
// A client that does not read its socket is cut off past this much unsent data; it reconnects and resumes.
const MAX_BUFFERED_BYTES = 1024 * 1024;

// Where the stream's bytes go: the raw HTTP response, behind this seam so the hub does not know about Fastify.
export interface EventSink {
  write(chunk: string): boolean; // false: the socket's buffer is over its high-water mark
  readonly bufferedBytes: number;
  end(): void;
}

interface Client {
  sink: EventSink;
  topics: ReadonlySet<EventTopic>;
  cursor: string; // the last id this client has (or must not get again): live events at or before it are skipped
  pending: StreamEvent[] | null; // live events held while the backfill is sent
}

export interface Subscription {
  close(): void;
}

// One per api process: reads the admin event stream with a blocking XREAD on a connection of its own, and fans each
// event out to the connected SSE clients. The reader starts with the first client and runs until shutdown.
@Injectable()
export class EventHub implements OnModuleDestroy {
  private readonly logger = new Logger('EventHub');
  private readonly key: string;
  private readonly clients = new Set<Client>();
  private readonly clientsGauge: Gauge;
  private readonly readErrors: Counter;
  private readonly dropped: Counter<'reason'>;
  private reader?: { connection: Redis; position: string; done: Promise<void>; wake?: () => void };
  private starting?: Promise<void>;
  private heartbeat?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    this.key = eventStreamKey(config);
    this.clientsGauge = new Gauge({
      name: 'admin_event_stream_clients',
      help: 'Connected admin event stream (SSE) clients in this process',
      registers: [metrics.registry],
    });
    this.readErrors = new Counter({
      name: 'admin_event_stream_read_errors_total',
      help: 'Failed reads of the admin event stream from Redis (retried)',
      registers: [metrics.registry],
    });
    this.dropped = new Counter({
      name: 'admin_event_stream_dropped_clients_total',
      help: 'Event stream clients cut off by the server (slow: unread data over the bound)',
      labelNames: ['reason'] as const,
      registers: [metrics.registry],
    });
  }

  // Registers a client and brings it up to date: from `lastEventId` when the history still holds everything after
  // it, else with a `reset` event (reload your state). Throws (before anything is written) when full or Redis fails.
  async subscribe(topics: readonly EventTopic[], lastEventId: string | undefined, sink: EventSink): Promise<Subscription> {
    if (this.stopped) throw new EventsError('event_stream_unavailable', 'The server is shutting down');
    if (this.clients.size >= MAX_CLIENTS_PER_PROCESS) {
      throw new EventsError('too_many_stream_clients', `Too many event stream clients on this process (at most ${MAX_CLIENTS_PER_PROCESS}); retry later`);
    }
    await this.startReader();
    // Registered before the stream's position is read: every event added after that read reaches this client live.
    const client: Client = { sink, topics: new Set(topics), cursor: '0-0', pending: [] };
    this.clients.add(client);
    this.clientsGauge.set(this.clients.size);
    const subscription = { close: () => this.remove(client) };
    try {
      const head = await this.streamHead();
      if (lastEventId !== undefined && head.resumableFrom(lastEventId)) {
        client.cursor = lastEventId;
        this.send(client, formatControl('ready', { topics, resumedFrom: lastEventId }));
        await this.backfill(client, head.last);
      } else {
        client.cursor = head.last;
        if (lastEventId !== undefined)
          this.send(client, formatControl('reset', { reason: 'Events after Last-Event-ID are no longer kept: reload your state' }, head.last));
        this.send(client, formatControl('ready', { topics }, head.last));
      }
      const held = client.pending ?? [];
      client.pending = null;
      for (const event of held) this.deliver(client, event);
      return subscription;
    } catch (err) {
      subscription.close();
      throw err;
    }
  }

  onModuleDestroy(): Promise<void> {
    this.stopped = true;
    // SSE responses never finish by themselves: end them so the HTTP server can close.
    for (const client of [...this.clients]) this.remove(client, true);
    clearInterval(this.heartbeat);
    const reader = this.reader;
    if (!reader) return Promise.resolve();
    reader.wake?.();
    reader.connection.disconnect();
    return reader.done;
  }

  private remove(client: Client, end = false): void {
    if (!this.clients.delete(client)) return;
    this.clientsGauge.set(this.clients.size);
    if (end) client.sink.end();
  }

  // The stream's last id and which resume points it can still serve in full.
  private async streamHead(): Promise<StreamHead> {
    const info = await withDeadline(
      this.redis.call('XINFO', 'STREAM', this.key).then(
        (reply) => reply as unknown[],
        (err: Error) => (/no such key/i.test(err.message) ? null : Promise.reject(err)),
      ),
      QUERY_DEADLINE_MS,
      'admin event stream head (Redis)',
    ).catch((err: unknown) => {
      this.logger.warn({ err }, 'Reading the admin event stream head failed');
      throw new EventsError('event_stream_unavailable', 'The event stream is unavailable (Redis); retry later');
    });
    if (info === null) return { last: '0-0', resumableFrom: (id) => id === '0-0' };
    return headFromInfo(info);
  }

  // Sends the client's missed events, up to `until` (its live events after that were held in `pending`).
  private async backfill(client: Client, until: string): Promise<void> {
    let after = client.cursor;
    while (this.clients.has(client) && compareStreamIds(after, until) < 0) {
      const entries = await withDeadline(
        this.redis.xrange(this.key, `(${after}`, until, 'COUNT', BACKFILL_PAGE),
        QUERY_DEADLINE_MS,
        'admin event stream backfill (Redis)',
      );
      if (entries.length === 0) break;
      for (const [id, fields] of entries) {
        after = id;
        const event = eventFromEntry(id, fields);
        if (event) this.sendEvent(client, event);
      }
    }
    if (compareStreamIds(client.cursor, until) < 0) client.cursor = until;
  }

  private deliver(client: Client, event: StreamEvent): void {
    if (client.pending) {
      client.pending.push(event);
      return;
    }
    this.sendEvent(client, event);
  }

  private sendEvent(client: Client, event: StreamEvent): void {
    if (compareStreamIds(event.id, client.cursor) <= 0) return;
    client.cursor = event.id;
    if (client.topics.has(event.topic)) this.send(client, formatEvent(event));
  }

  private send(client: Client, chunk: string): void {
    if (!this.clients.has(client)) return;
    client.sink.write(chunk);
    if (client.sink.bufferedBytes > MAX_BUFFERED_BYTES) {
      this.dropped.inc({ reason: 'slow' });
      this.logger.warn({ bufferedBytes: client.sink.bufferedBytes }, 'Event stream client does not read: cut off (it resumes on reconnect)');
      this.remove(client, true);
    }
  }

  private startReader(): Promise<void> {
    this.starting ??= (async () => {
      const head = await this.streamHead();
      const connection = new Redis({ ...redisOptionsFromUrl(this.config.redis.url), maxRetriesPerRequest: null, connectionName: 'admin-events-reader' });
      connection.on('error', () => undefined); // reported by the read loop
      this.reader = { connection, position: head.last, done: Promise.resolve() };
      this.reader.done = this.readLoop(this.reader);
      this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
      this.heartbeat.unref();
    })().catch((err: unknown) => {
      this.starting = undefined; // the next subscriber tries again
      throw err;
    });
    return this.starting;
  }

  private async readLoop(reader: NonNullable<EventHub['reader']>): Promise<void> {
    let failing = false;
    while (!this.stopped) {
      try {
        const read = reader.connection.xread('COUNT', BACKFILL_PAGE, 'BLOCK', READ_BLOCK_MS, 'STREAMS', this.key, reader.position);
        const reply = await withDeadline(read, READ_DEADLINE_MS, 'admin event stream read (Redis)');
        if (failing) this.logger.log('Reading the admin event stream again');
        failing = false;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            reader.position = id;
            const event = eventFromEntry(id, fields);
            if (event) for (const client of [...this.clients]) this.deliver(client, event);
          }
        }
      } catch (err) {
        if (this.stopped) break;
        this.readErrors.inc();
        if (!failing) this.logger.warn({ err }, 'Reading the admin event stream failed; retrying (clients resume where they were)');
        failing = true;
        reader.connection.disconnect(true); // a fresh connection: the old one may be hung mid-command
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, RETRY_MS);
          reader.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  private beat(): void {
    for (const client of [...this.clients]) this.send(client, ': heartbeat\n\n');
  }
}
