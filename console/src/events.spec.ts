import { parseEvents } from './events';

// The SSE wire format as the API writes it (src/events/event-stream.ts): id, event, data lines, a blank line between.
describe('parseEvents (the console event stream parser)', () => {
  it('reads complete events and keeps an incomplete one for the next chunk', () => {
    const { events, rest } = parseEvents('id: 1-0\nevent: ready\ndata: {}\n\nid: 2-0\nevent: queues.caller.joined\ndata: {"queueId":"q1"}\n\nid: 3-0\nev');
    expect(events).toEqual([
      { id: '1-0', event: 'ready', data: {} },
      { id: '2-0', event: 'queues.caller.joined', data: { queueId: 'q1' } },
    ]);
    expect(rest).toBe('id: 3-0\nev');
    expect(parseEvents(`${rest}ent: agents.status\ndata: {"agentId":"a"}\n\n`).events).toEqual([{ id: '3-0', event: 'agents.status', data: { agentId: 'a' } }]);
  });

  it('skips heartbeat comments, joins multi-line data, accepts CRLF and keeps non-JSON data as text', () => {
    const { events, rest } = parseEvents(': heartbeat\n\nevent: reset\r\ndata: line one\r\ndata: line two\r\n\r\n');
    expect(events).toEqual([{ id: undefined, event: 'reset', data: 'line one\nline two' }]);
    expect(rest).toBe('');
  });
});
