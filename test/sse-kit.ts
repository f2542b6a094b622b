import type { TestApp } from './test-app';
import { waitFor } from './wait-for';

// A Server-Sent Events client for e2e specs (events, conferences): streaming fetch with the API key, as the
// console reads the admin event stream (EventSource cannot send the Authorization header).
export interface SseEvent {
  id?: string;
  event: string;
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests assert on arbitrary JSON
}

export interface SseClient {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  closed: boolean;
  next(predicate: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

// A streaming fetch client (as the console uses: EventSource cannot send the Authorization header), parsing SSE.
export async function connect(t: TestApp, path: string, key: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(t.url + path, { headers: { authorization: `Bearer ${key}`, ...headers }, signal: abort.signal });
  const client: SseClient = {
    status: response.status,
    headers: response.headers,
    events: [],
    comments: [],
    closed: false,
    next: (predicate, timeoutMs = 10_000) =>
      waitFor(
        () => client.events.find(predicate),
        timeoutMs,
        () => `events so far: ${JSON.stringify(client.events)}`,
      ) as Promise<SseEvent>,
    close: () => abort.abort(),
  };
  if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) return client;
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { event: 'message', data: undefined };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) client.comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) event.id = line.slice(4);
            else if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('data: ')) event.data = JSON.parse(line.slice(6));
          }
          if (event.data !== undefined) client.events.push(event);
        }
      }
    } catch {
      // aborted by close()
    } finally {
      client.closed = true;
    }
  })();
  return client;
}
