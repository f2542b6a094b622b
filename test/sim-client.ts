import { decodeCallCustom } from 'src/calls/call-custom';

export interface SimEvent {
  seq: number;
  at: string;
  kind: string;
  method?: string;
  path?: string;
  status?: number;
  callId?: string;
  request?: unknown;
  response?: unknown;
  [field: string]: unknown;
}

// One POST /calling/v1/callouts as the simulator saw it: when it arrived, how it was answered, and our call id
// read back from the `custom` we sent.
export interface SimCallout {
  seq: number;
  arrivedAt: number;
  status?: number;
  sinchCallId?: string;
  ourCallId?: string;
}

// The simulator's /_sim control API, for e2e tests that drive a simulator over HTTP.
export class SimClient {
  constructor(readonly url: string) {}

  async setFaults(faults: Record<string, unknown>): Promise<void> {
    await this.send('PUT', '/_sim/faults', faults);
  }

  async clearFaults(): Promise<void> {
    await this.send('PUT', '/_sim/faults', {});
  }

  setRules(rules: Record<string, unknown>[]): Promise<unknown> {
    return this.send('PUT', '/_sim/rules', { rules });
  }

  pressKeys(sinchCallId: string, digits: string): Promise<unknown> {
    return this.send('POST', `/_sim/calls/${encodeURIComponent(sinchCallId)}/dtmf`, { digits });
  }

  call(sinchCallId: string): Promise<Record<string, unknown>> {
    return this.send('GET', `/_sim/calls/${encodeURIComponent(sinchCallId)}`) as Promise<Record<string, unknown>>;
  }

  async events(query = ''): Promise<{ lastSeq: number; events: SimEvent[] }> {
    return (await this.send('GET', `/_sim/events${query}`)) as { lastSeq: number; events: SimEvent[] };
  }

  async lastSeq(): Promise<number> {
    return (await this.events('?kind=control')).lastSeq;
  }

  async callouts(sinceSeq = 0): Promise<SimCallout[]> {
    const { events } = await this.events(`?kind=rest&since=${sinceSeq}`);
    return events
      .filter((e) => e.method === 'POST' && e.path === '/calling/v1/callouts')
      .map((e) => {
        const body = (e.request ?? {}) as Record<string, Record<string, unknown> | undefined>;
        const inner = typeof body.method === 'string' ? body[body.method] : undefined;
        const custom = typeof inner?.custom === 'string' ? inner.custom : undefined;
        return {
          seq: e.seq,
          arrivedAt: Date.parse(e.at),
          status: e.status,
          sinchCallId: e.status === 200 ? e.callId : undefined,
          ourCallId: decodeCallCustom(custom)?.callId,
        };
      });
  }

  private async send(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(this.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}

// How many requests each of our call ids got.
export function calloutsPerCall(callouts: SimCallout[]): Map<string, SimCallout[]> {
  const byCall = new Map<string, SimCallout[]>();
  for (const c of callouts) {
    if (!c.ourCallId) continue;
    byCall.set(c.ourCallId, [...(byCall.get(c.ourCallId) ?? []), c]);
  }
  return byCall;
}
