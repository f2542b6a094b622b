import { Agent, request } from 'undici';
import { applicationAuthorization, signRequest } from 'src/sinch/signing';
import type { Scheduler } from 'src/simulator/sim-clock';

export type Delivery =
  | { ok: true; status: number; body: string; ms: number }
  | { ok: false; error: 'http_status' | 'timeout' | 'network' | 'aborted'; status?: number; body?: string; message: string; ms: number };

// x-timestamp as in Sinch's signing documentation: ISO-8601 UTC to the second ("2014-09-24T10:59:41Z").
export const headerTimestamp = (at: Date = new Date()): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

// The `timestamp` field inside callback bodies: UTC without a zone suffix, like Sinch sends it.
export const bodyTimestamp = (at: Date = new Date()): string => at.toISOString().slice(0, 19);

// Signs and POSTs callbacks the way Sinch does: Application auth over the callback URL's path, x-timestamp,
// content-type application/json. Its own connection pool is destroyed on close() so no socket outlives it.
export class CallbackSender {
  private readonly agent = new Agent({ keepAliveTimeout: 1_000, connections: 64 });

  constructor(
    private readonly applicationKey: string,
    private readonly applicationSecret: string,
    private readonly timeoutMs: number,
    private readonly scheduler: Scheduler,
  ) {}

  async post(url: string, payload: object, signal?: AbortSignal): Promise<Delivery> {
    const started = this.scheduler.nowRealMs();
    const ms = (): number => Math.round(this.scheduler.nowRealMs() - started);
    const body = JSON.stringify(payload);
    const timestamp = headerTimestamp();
    const contentType = 'application/json';
    const path = new URL(url).pathname;
    const signature = signRequest({ method: 'POST', path, contentType, timestamp, body }, this.applicationSecret);

    const controller = new AbortController();
    let timedOut = false;
    const cancelTimer = this.scheduler.afterReal(this.timeoutMs, () => {
      timedOut = true;
      controller.abort();
    });
    const onOuterAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onOuterAbort, { once: true });
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        signal: controller.signal,
        headers: {
          'content-type': contentType,
          'x-timestamp': timestamp,
          authorization: applicationAuthorization(this.applicationKey, signature),
        },
        body,
      });
      const text = await response.body.text();
      if (response.statusCode < 200 || response.statusCode > 299) {
        return { ok: false, error: 'http_status', status: response.statusCode, body: text, message: `HTTP ${response.statusCode}`, ms: ms() };
      }
      return { ok: true, status: response.statusCode, body: text, ms: ms() };
    } catch (error) {
      if (timedOut) return { ok: false, error: 'timeout', message: `no answer within ${this.timeoutMs} ms`, ms: ms() };
      if (signal?.aborted) return { ok: false, error: 'aborted', message: 'simulator closing', ms: ms() };
      return { ok: false, error: 'network', message: error instanceof Error ? error.message : String(error), ms: ms() };
    } finally {
      cancelTimer();
      signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}
