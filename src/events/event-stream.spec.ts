import { AppError } from 'src/common/app-error';
import {
  AGENT_TOPICS,
  compareStreamIds,
  eventFromEntry,
  EVENT_TOPICS,
  formatControl,
  formatEvent,
  headFromInfo,
  parseLastEventId,
  parseTopics,
} from './event-stream';

describe('event stream (pure parts)', () => {
  describe('parseTopics', () => {
    it('defaults to every topic the role may see', () => {
      expect(parseTopics(undefined, EVENT_TOPICS)).toEqual([...EVENT_TOPICS]);
      expect(parseTopics('', AGENT_TOPICS)).toEqual(['agents']);
    });

    it('returns the named topics once each, in the canonical order', () => {
      expect(parseTopics('conferences, queues,queues', EVENT_TOPICS)).toEqual(['queues', 'conferences']);
    });

    it('names the field and the unknown topics (400)', () => {
      let error: unknown;
      try {
        parseTopics('queues,weather,', EVENT_TOPICS);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ kind: 'invalid', code: 'invalid_topics', details: [{ field: 'topics', rule: 'isIn' }] });
      expect((error as Error).message).toContain('"weather", ""');
    });

    it('refuses a repeated query parameter (an array) as one list is expected', () => {
      expect(() => parseTopics(['queues', 'agents'], EVENT_TOPICS)).toThrow(
        expect.objectContaining({ kind: 'invalid', details: [expect.objectContaining({ field: 'topics' })] }),
      );
    });

    it('forbids topics outside the role (403)', () => {
      expect(() => parseTopics('agents,queues', AGENT_TOPICS)).toThrow(
        expect.objectContaining({ kind: 'forbidden', code: 'topic_forbidden', message: expect.stringContaining('queues') }),
      );
    });
  });

  describe('parseLastEventId', () => {
    it('takes the header over the query parameter, trimmed', () => {
      expect(parseLastEventId(' 1700000000000-3 ', '1-0')).toBe('1700000000000-3');
      expect(parseLastEventId(undefined, '1-0')).toBe('1-0');
      expect(parseLastEventId(undefined, undefined)).toBeUndefined();
      expect(parseLastEventId('', undefined)).toBeUndefined();
    });

    it('names the field that is malformed', () => {
      expect(() => parseLastEventId('abc', undefined)).toThrow(
        expect.objectContaining({ kind: 'invalid', code: 'invalid_last_event_id', details: [expect.objectContaining({ field: 'Last-Event-ID' })] }),
      );
      expect(() => parseLastEventId(undefined, '1-2-3')).toThrow(expect.objectContaining({ details: [expect.objectContaining({ field: 'lastEventId' })] }));
      expect(() => parseLastEventId(undefined, ['1-0', '2-0'])).toThrow(expect.objectContaining({ kind: 'invalid' }));
    });
  });

  it('compares stream ids numerically, beyond the safe integer range', () => {
    expect(compareStreamIds('9-0', '10-0')).toBe(-1);
    expect(compareStreamIds('10-2', '10-10')).toBe(-1);
    expect(compareStreamIds('10-10', '10-10')).toBe(0);
    expect(compareStreamIds('18446744073709551615-1', '18446744073709551615-0')).toBe(1);
  });

  it('formats events and control messages as SSE, JSON on one line', () => {
    expect(formatEvent({ id: '5-1', topic: 'queues', type: 'call_waiting', data: { note: 'a\nb' } })).toBe(
      'id: 5-1\nevent: queues.call_waiting\ndata: {"note":"a\\nb"}\n\n',
    );
    expect(formatControl('reset', { reason: 'x' }, '7-0')).toBe('id: 7-0\nevent: reset\ndata: {"reason":"x"}\n\n');
    expect(formatControl('ready', { topics: [] })).toBe('event: ready\ndata: {"topics":[]}\n\n');
  });

  it('reads stream entries, ignoring foreign or malformed ones', () => {
    expect(eventFromEntry('1-0', ['topic', 'agents', 'type', 'paused', 'data', '{"agentId":"a"}'])).toEqual({
      id: '1-0',
      topic: 'agents',
      type: 'paused',
      data: { agentId: 'a' },
    });
    expect(eventFromEntry('1-0', ['topic', 'weather', 'type', 'x', 'data', '{}'])).toBeUndefined();
    expect(eventFromEntry('1-0', ['topic', 'agents', 'type', 'x', 'data', '[1]'])).toBeUndefined();
    expect(eventFromEntry('1-0', ['topic', 'agents', 'type', 'x', 'data', '{'])).toBeUndefined();
    expect(eventFromEntry('1-0', ['topic', 'agents', 'data', '{}'])).toBeUndefined();
  });

  describe('headFromInfo', () => {
    const info = (o: { last: string; first?: string; added: number; length: number }) => [
      'length',
      o.length,
      'last-generated-id',
      o.last,
      'entries-added',
      o.added,
      'first-entry',
      o.first ? [o.first, ['topic', 'queues']] : null,
    ];

    it("resumes from any id of the stream's past while nothing was trimmed", () => {
      const head = headFromInfo(info({ last: '20-0', first: '10-0', added: 3, length: 3 }));
      expect(head.last).toBe('20-0');
      expect(head.resumableFrom('0-0')).toBe(true);
      expect(head.resumableFrom('15-0')).toBe(true);
      expect(head.resumableFrom('20-0')).toBe(true);
      expect(head.resumableFrom('21-0')).toBe(false); // not from this stream (Redis was flushed since)
    });

    it('resumes only from the first kept entry on once entries were trimmed', () => {
      const head = headFromInfo(info({ last: '20-0', first: '10-0', added: 5, length: 3 }));
      expect(head.resumableFrom('9-0')).toBe(false);
      expect(head.resumableFrom('10-0')).toBe(true);
      expect(head.resumableFrom('20-0')).toBe(true);
    });

    it('resumes from the last id when the stream is empty after trimming', () => {
      const head = headFromInfo(info({ last: '20-0', added: 5, length: 0 }));
      expect(head.resumableFrom('20-0')).toBe(true);
      expect(head.resumableFrom('19-0')).toBe(false);
    });
  });
});
