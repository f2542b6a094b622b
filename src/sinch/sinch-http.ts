import { Agent, request } from 'undici';
import { applicationAuthorization, basicAuthorization, signRequest } from 'src/sinch/signing';
import { classifyHttpError, classifyTransportError } from 'src/sinch/sinch-errors';
import type { SinchAuthMode } from 'src/sinch/voice-client.types';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface SinchHttpOptions {
  applicationKey: string;
  applicationSecret: string;
  timeoutMs: number;
  auth: SinchAuthMode;
}

const JSON_TYPE = 'application/json';

// Sinch's x-timestamp examples are whole seconds in UTC ("2014-09-24T10:59:41Z").
export const signingTimestamp = (now: Date = new Date()): string => now.toISOString().replace(/\.\d{3}Z$/, 'Z');

// Keeps '+', '@' and ':' literal (legal in a path segment; the SDK sends numbers with a bare '+'), escapes the rest.
export const pathSegment = (value: string): string => encodeURIComponent(value).replace(/%2B/gi, '+').replace(/%40/g, '@').replace(/%3A/gi, ':');

// JSON when it parses, else the text (an HTML error page from a proxy, say); undefined when empty.
function parseBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

// One keep-alive pool per client; every request signed and bounded by one deadline covering connect, headers and
// body, so a stuck Sinch edge cannot hold a dialer worker.
export class SinchHttp {
  private readonly agent: Agent;
  private closed = false;

  constructor(private readonly options: SinchHttpOptions) {
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      connections: 128,
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  // `baseUrl` may carry a path prefix (a proxy or the simulator); Sinch signs the path it receives, prefix included.
  async send(baseUrl: string, method: HttpMethod, path: string, body?: unknown): Promise<unknown> {
    const base = new URL(baseUrl);
    const fullPath = `${base.pathname.replace(/\/+$/, '')}${path}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const timestamp = signingTimestamp();
    const headers: Record<string, string> = { accept: JSON_TYPE, 'x-timestamp': timestamp };
    if (payload !== undefined) headers['content-type'] = JSON_TYPE;
    headers.authorization = this.authorization(method, fullPath, timestamp, payload);

    const what = `${method} ${fullPath}`;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let status: number;
    let text: string;
    let retryAfter: string | string[] | undefined;
    try {
      const res = await request(`${base.origin}${fullPath}`, {
        dispatcher: this.agent,
        method,
        headers,
        body: payload,
        signal,
      });
      status = res.statusCode;
      retryAfter = res.headers['retry-after'];
      text = await res.body.text();
    } catch (err) {
      throw classifyTransportError(err, signal.aborted, what);
    }
    if (status < 200 || status >= 300) throw classifyHttpError(status, parseBody(text), retryAfter);
    return parseBody(text);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.agent.close();
  }

  private authorization(method: HttpMethod, path: string, timestamp: string, payload: string | undefined): string {
    const { applicationKey, applicationSecret } = this.options;
    if (this.options.auth === 'basic') return basicAuthorization(applicationKey, applicationSecret);
    const signature = signRequest({ method, path, contentType: payload === undefined ? '' : JSON_TYPE, timestamp, body: payload }, applicationSecret);
    return applicationAuthorization(applicationKey, signature);
  }
}
