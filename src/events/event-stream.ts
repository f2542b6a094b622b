import { EventsError } from './events.errors';

// The pure parts of the admin event stream: topics, stream ids, the SSE wire format.

export const EVENT_TOPICS = ['queues', 'agents', 'conferences', 'budgets', 'campaigns', 'recordings'] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

// Agents see their own world only: the agents topic (presence, states). Other roles see every topic.
export const AGENT_TOPICS: readonly EventTopic[] = ['agents'];

export interface StreamEvent {
  id: string; // the Redis stream entry id, `<ms>-<seq>`: the SSE id a client resumes from
  topic: EventTopic;
  type: string;
  data: Record<string, unknown>;
}

const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

export function isStreamId(value: string): boolean {
  return STREAM_ID.test(value);
}

// Orders two stream ids (`<ms>-<seq>`) numerically; both must pass isStreamId.
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

// `?topics=queues,conferences` -> the topics, in the canonical order; absent means every topic the role may see.
export function parseTopics(raw: unknown, allowed: readonly EventTopic[]): EventTopic[] {
  if (raw === undefined || raw === '') return [...allowed];
  if (typeof raw !== 'string') throw invalid('invalid_topics', 'topics', 'isString', 'topics must be one comma-separated list');
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(EVENT_TOPICS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw invalid(
      'invalid_topics',
      'topics',
      'isIn',
      `topics: unknown topic ${unknown.map((n) => JSON.stringify(n)).join(', ')} (known: ${EVENT_TOPICS.join(', ')})`,
    );
  }
  const refused = names.filter((name) => !allowed.includes(name as EventTopic));
  if (refused.length > 0) {
    throw new EventsError('topic_forbidden', `This key's role may not subscribe to ${refused.join(', ')} (allowed: ${allowed.join(', ')})`);
  }
  return EVENT_TOPICS.filter((topic) => names.includes(topic));
}

// The resume point: the `Last-Event-ID` header (what EventSource sends on reconnect) or `?lastEventId=`.
export function parseLastEventId(header: unknown, query: unknown): string | undefined {
  const [field, value] = header !== undefined ? ['Last-Event-ID', header] : ['lastEventId', query];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !isStreamId(value.trim())) {
    throw invalid('invalid_last_event_id', field, 'isStreamId', `${field} must be an event id as sent in the stream's id: lines (<ms>-<seq>)`);
  }
  return value.trim();
}

function invalid(code: EventsError['code'], field: string, rule: string, message: string): EventsError {
  return new EventsError(code, message, [{ field, rule, message }]);
}

// One SSE message. `data` is JSON on a single line (JSON.stringify escapes newlines), so no line splitting is needed.
export function formatEvent(event: StreamEvent): string {
  return `id: ${event.id}\nevent: ${event.topic}.${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

// A control message (ready, reset): optionally with an id, so a client that has seen no event yet can still resume.
export function formatControl(name: string, data: Record<string, unknown>, id?: string): string {
  return `${id ? `id: ${id}\n` : ''}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

// A stream entry's fields as Redis returns them (a flat [name, value, ...] list) -> the event; undefined if foreign.
export function eventFromEntry(id: string, fields: string[]): StreamEvent | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i], fields[i + 1]);
  const topic = map.get('topic');
  const type = map.get('type');
  const data = map.get('data');
  if (!topic || !(EVENT_TOPICS as readonly string[]).includes(topic) || !type || data === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    return { id, topic: topic as EventTopic, type, data: parsed as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

export interface StreamHead {
  last: string; // the stream's last id: a new client's starting point
  resumableFrom(id: string): boolean; // whether everything after `id` is still kept
}

// XINFO STREAM's reply (a flat [name, value, ...] list) -> the head. Trimming removes the oldest entries only, so
// everything after `id` is kept when nothing was ever removed, or when `id` is at or after the first kept entry.
// (A client whose last event was the very last one trimmed gets a `reset` it could have done without: harmless.)
export function headFromInfo(info: unknown[]): StreamHead {
  const field = (name: string): unknown => {
    const at = info.indexOf(name);
    return at >= 0 ? info[at + 1] : undefined;
  };
  const last = String(field('last-generated-id'));
  const firstEntry = field('first-entry');
  const first = Array.isArray(firstEntry) ? String(firstEntry[0]) : undefined;
  const added = field('entries-added'); // Redis 7+; without it, assume entries were removed
  const neverTrimmed = typeof added === 'number' && added === Number(field('length'));
  return {
    last,
    resumableFrom: (id) => compareStreamIds(id, last) <= 0 && (id === last || neverTrimmed || (first !== undefined && compareStreamIds(id, first) >= 0)),
  };
}
