import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { basicAuthorization, applicationAuthorization, signRequest, verifySignedRequest } from 'src/sinch/signing';
import { createSimulator } from 'src/simulator/simulator';
import type { SimulatorOptions, SinchSimulator } from 'src/simulator/simulator.types';

// Helpers for the simulator's specs: real HTTP on port 0, a node:http callback receiver that verifies every
// callback's signature, and condition waits with deadlines (never bare sleeps).

export const TEST_KEY = 'a1b2c3d4-0000-4000-8000-00000000test';
export const TEST_SECRET = Buffer.from('simulator-test-secret-32-bytes!!').toString('base64');

export interface Received {
  event: string;
  callId: string;
  path: string;
  body: Record<string, unknown>;
  // The bytes as sent, for validators that must see exactly what was signed.
  rawBody: string;
  headers: IncomingMessage['headers'];
  signatureOk: boolean;
  seq: number;
}

export type Reply = { status?: number; body?: unknown; delayMs?: number };
export type Responder = (cb: Received) => Reply | undefined;

// Sinch's defaults when the service has nothing to say: ICE hangs up, ACE/PIE continue, DiCE/Notify just 200.
const defaultReply = (cb: Received): Reply =>
  cb.event === 'ice' ? { body: { action: { name: 'hangup' } } } : cb.event === 'ace' || cb.event === 'pie' ? { body: {} } : { body: '' };

export class CallbackReceiver {
  readonly received: Received[] = [];
  respond: Responder = () => undefined;
  private seq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/sinch/callbacks'): Promise<CallbackReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const receiver = new CallbackReceiver(server, `http://127.0.0.1:${port}${path}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => receiver.handle(req, res));
    return receiver;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const verdict = verifySignedRequest({
        method: req.method ?? 'POST',
        path: (req.url ?? '/').split('?')[0],
        headers: req.headers,
        rawBody,
        credentials: [{ applicationKey: TEST_KEY, applicationSecret: TEST_SECRET }],
        maxSkewSeconds: 60,
      });
      const body = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
      const cb: Received = {
        event: String(body.event),
        callId: String(body.callid),
        path: (req.url ?? '/').split('?')[0],
        body,
        rawBody: rawBody.toString('utf8'),
        headers: req.headers,
        signatureOk: verdict.ok,
        seq: ++this.seq,
      };
      this.received.push(cb);
      const reply = this.respond(cb) ?? defaultReply(cb);
      const send = (): void => {
        const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' }).end(payload);
      };
      if (!reply.delayMs) return send();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        send();
      }, reply.delayMs);
      this.timers.add(timer);
    });
  }

  clear(): void {
    this.received.length = 0;
    this.respond = () => undefined;
  }

  forCall(callId: string): Received[] {
    return this.received.filter((r) => r.callId === callId);
  }

  eventsFor(callId: string): string[] {
    return this.forCall(callId).map((r) => (r.event === 'notify' ? `notify:${String(r.body.type)}` : r.event));
  }

  waitFor(what: string, predicate: (r: Received) => boolean, timeoutMs = 8000): Promise<Received> {
    return waitUntil(what, () => this.received.find(predicate), timeoutMs);
  }

  waitForEvent(callId: string, event: string, timeoutMs = 8000): Promise<Received> {
    return this.waitFor(`${event} for ${callId}`, (r) => r.callId === callId && r.event === event, timeoutMs);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function waitUntil<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface HttpResult {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Record<string, string | string[] | undefined>;
}

export type AuthMode = 'application' | 'basic' | 'none' | { header: Record<string, string> };

const agent = new Agent({ keepAliveTimeout: 100 });

export async function http(base: string, method: string, path: string, body?: unknown, auth: AuthMode = 'application'): Promise<HttpResult> {
  const raw = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = raw === undefined ? {} : { 'content-type': 'application/json' };
  if (auth === 'application') {
    const timestamp = new Date().toISOString();
    headers['x-timestamp'] = timestamp;
    const signature = signRequest({ method, path, contentType: headers['content-type'], timestamp, body: raw }, TEST_SECRET);
    headers.authorization = applicationAuthorization(TEST_KEY, signature);
  } else if (auth === 'basic') {
    headers.authorization = basicAuthorization(TEST_KEY, TEST_SECRET);
  } else if (auth !== 'none') {
    Object.assign(headers, auth.header);
  }
  const res = await request(`${base}${path}`, { method: method as 'GET', headers, body: raw, dispatcher: agent });
  const text = await res.body.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.statusCode, body: parsed, headers: res.headers };
}

export async function startSim(extra: Partial<SimulatorOptions> = {}): Promise<SinchSimulator> {
  return createSimulator({ applicationKey: TEST_KEY, applicationSecret: TEST_SECRET, timeScale: 100, seed: 42, ...extra });
}

export async function closeKit(): Promise<void> {
  await agent.close();
}

export const tts = (endpoint: string, extra: Record<string, unknown> = {}) => ({
  method: 'ttsCallout',
  ttsCallout: { cli: '+14045001000', destination: { type: 'number', endpoint }, locale: 'en-US', text: 'Hello from the simulator.', ...extra },
});

// The shared life of a simulator spec: one simulator and one receiver per file, reset before each test.
export function useSimulator(extra: Partial<SimulatorOptions> = {}): { readonly sim: SinchSimulator; readonly receiver: CallbackReceiver } {
  const suite = {} as { sim: SinchSimulator; receiver: CallbackReceiver };
  beforeAll(async () => {
    suite.receiver = await CallbackReceiver.start();
    suite.sim = await startSim({ callbackUrl: suite.receiver.url, ...extra });
  });
  afterAll(async () => {
    await suite.sim.close();
    await suite.receiver.close();
    await closeKit();
  });
  beforeEach(async () => {
    await http(suite.sim.url, 'POST', '/_sim/reset', undefined, 'none');
    suite.sim.setCallbackUrl(suite.receiver.url);
    suite.receiver.clear();
  });
  return suite;
}
