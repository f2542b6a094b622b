import { ApiError, storedKey } from './api';

// Server-Sent Events over fetch: EventSource cannot send the Authorization header and the API never takes a key in
// the URL. Reconnects by itself with Last-Event-ID (the API then replays exactly what was missed, or sends `reset`).

export interface StreamEvent {
  id?: string;
  event: string;
  data: unknown;
}

export interface StreamHandlers {
  onEvent(event: StreamEvent): void;
  onStatus(status: 'connecting' | 'live' | 'reconnecting', error?: string): void;
}

const RETRY_MS = [500, 1000, 2000, 5000];

// Splits a text/event-stream into events (the SSE wire format: `field: value` lines, a blank line ends an event).
export function parseEvents(buffer: string): { events: StreamEvent[]; rest: string } {
  const events: StreamEvent[] = [];
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (!data.length && event === 'message') continue;
    const text = data.join('\n');
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    events.push({ id, event, data: parsed });
  }
  return { events, rest };
}

// Opens the stream and keeps it open until the returned function is called.
export function openStream(path: string, handlers: StreamHandlers): () => void {
  const abort = new AbortController();
  let lastEventId: string | undefined;
  let attempt = 0;

  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      handlers.onStatus(attempt === 0 ? 'connecting' : 'reconnecting');
      let problem: string | undefined;
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${storedKey() ?? ''}` };
        if (lastEventId) headers['last-event-id'] = lastEventId;
        const response = await fetch(path, { headers, signal: abort.signal, cache: 'no-store' });
        if (!response.ok || !response.body) {
          const body = (await response.json().catch(() => ({}))) as { message?: string };
          throw new ApiError(response.status, body.message ?? `${response.status} ${response.statusText}`);
        }
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          const { events, rest } = parseEvents(buffer);
          buffer = rest;
          for (const event of events) {
            if (event.id) lastEventId = event.id;
            if (event.event === 'ready') {
              attempt = 0;
              handlers.onStatus('live');
            }
            handlers.onEvent(event);
          }
        }
        problem = 'the stream ended';
      } catch (error) {
        if (abort.signal.aborted) return;
        problem = error instanceof Error ? error.message : String(error);
        // A refused key or role will not get better by retrying.
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          handlers.onStatus('reconnecting', problem);
          return;
        }
      }
      handlers.onStatus('reconnecting', problem);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
      attempt += 1;
    }
  };
  void run();
  return () => abort.abort();
}
