import { controlInput } from 'src/simulator/http/sim-errors';

export type EventKind = 'rest' | 'callback' | 'call' | 'control';
export const EVENT_KINDS: readonly EventKind[] = ['rest', 'callback', 'call', 'control'];

export interface SimEvent {
  seq: number;
  at: string;
  kind: EventKind;
  callId?: string;
  event?: string;
  [field: string]: unknown;
}

export interface EventFilter {
  sinceSeq?: number;
  sinceTime?: number;
  kinds?: EventKind[];
  callId?: string;
  event?: string;
}

// Bounded so a simulator left running for days does not grow without limit.
const MAX_EVENTS = 50_000;

export class EventLog {
  private events: SimEvent[] = [];
  private seq = 0;

  constructor(private readonly logger?: (line: object) => void) {}

  // REST events are added when the request arrives (so `seq` orders them against the calls they cause) and
  // logged with complete() once the response is known.
  add(kind: EventKind, fields: Omit<SimEvent, 'seq' | 'at' | 'kind'>, opts: { deferLog?: boolean } = {}): SimEvent {
    const event: SimEvent = { seq: ++this.seq, at: new Date().toISOString(), kind, ...fields };
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) {
      this.events.splice(0, this.events.length - MAX_EVENTS);
    }
    if (!opts.deferLog) this.logger?.(event);
    return event;
  }

  complete(event: SimEvent, fields: Record<string, unknown>): void {
    Object.assign(event, fields);
    this.logger?.(event);
  }

  query(filter: EventFilter = {}): SimEvent[] {
    return this.events.filter(
      (e) =>
        (filter.sinceSeq === undefined || e.seq > filter.sinceSeq) &&
        (filter.sinceTime === undefined || Date.parse(e.at) > filter.sinceTime) &&
        (filter.kinds === undefined || filter.kinds.includes(e.kind)) &&
        (filter.callId === undefined || e.callId === filter.callId) &&
        (filter.event === undefined || e.event === filter.event),
    );
  }

  get lastSeq(): number {
    return this.seq;
  }

  // The sequence keeps counting across resets so `since` cursors held by a test stay meaningful.
  clear(): void {
    this.events = [];
  }
}

export function parseEventFilter(query: Record<string, unknown>): EventFilter {
  const filter: EventFilter = {};
  const allowed = ['since', 'kind', 'callId', 'event'];
  const unknown = Object.keys(query).find((key) => !allowed.includes(key));
  if (unknown) throw controlInput(unknown, `unknown query parameter (allowed: ${allowed.join(', ')})`);
  const since = query.since;
  if (since !== undefined) {
    if (typeof since !== 'string' || since === '') throw controlInput('since', 'must be a sequence number or an ISO time');
    if (/^\d+$/.test(since)) {
      filter.sinceSeq = Number(since);
    } else {
      const time = Date.parse(since);
      if (Number.isNaN(time)) throw controlInput('since', 'must be a sequence number or an ISO-8601 time');
      filter.sinceTime = time;
    }
  }
  if (query.kind !== undefined) {
    const kinds = String(query.kind).split(',');
    const bad = kinds.find((k) => !EVENT_KINDS.includes(k as EventKind));
    if (bad !== undefined) throw controlInput('kind', `"${bad}" is not one of ${EVENT_KINDS.join(', ')}`);
    filter.kinds = kinds as EventKind[];
  }
  if (query.callId !== undefined) filter.callId = String(query.callId);
  if (query.event !== undefined) filter.event = String(query.event).toLowerCase();
  return filter;
}
