import { controlInput } from 'src/simulator/http/sim-errors';
import type { Random } from 'src/simulator/prng';
import { isRecord } from 'src/sinch/json';

export interface FaultConfig {
  // Share (0..1) of Sinch REST requests answered with errorStatus.
  errorRate: number;
  errorStatus: number;
  // Statuses forced on the next callout requests, one each, then success again.
  sequence: number[];
  retryAfterS?: number;
  // Added to every Sinch REST response, in real milliseconds.
  latencyMs: number;
  // Share (0..1) of callbacks not delivered; a dropped ICE/ACE/PIE ends the call like a timed-out one would.
  callbackDropRate: number;
  dropDice: boolean;
  // Recordings: the upload fails (recording_available still names the destination, where nothing is), or
  // Sinch never sends recording_available at all.
  failRecordingUpload: boolean;
  dropRecordingAvailable: boolean;
}

const NONE: FaultConfig = {
  errorRate: 0,
  errorStatus: 503,
  sequence: [],
  latencyMs: 0,
  callbackDropRate: 0,
  dropDice: false,
  failRecordingUpload: false,
  dropRecordingAvailable: false,
};

export class Faults {
  private config: FaultConfig = { ...NONE };
  private remaining: number[] = [];

  constructor(private readonly random: Random) {}

  set(config: FaultConfig): void {
    this.config = config;
    this.remaining = [...config.sequence];
  }

  reset(): void {
    this.set({ ...NONE, sequence: [] });
  }

  view(): FaultConfig & { sequenceRemaining: number[] } {
    return { ...this.config, sequenceRemaining: [...this.remaining] };
  }

  get recording(): { failUpload: boolean; dropAvailable: boolean } {
    return { failUpload: this.config.failRecordingUpload, dropAvailable: this.config.dropRecordingAvailable };
  }

  get latencyMs(): number {
    return this.config.latencyMs;
  }

  get retryAfterS(): number | undefined {
    return this.config.retryAfterS;
  }

  // The PRNG is only consulted when a rate is set, so enabling no faults never shifts a seeded run.
  restFault(isCallout: boolean): number | undefined {
    if (isCallout && this.remaining.length > 0) return this.remaining.shift();
    if (this.config.errorRate > 0 && this.random() < this.config.errorRate) return this.config.errorStatus;
    return undefined;
  }

  dropCallback(event: string): boolean {
    if (event === 'dice' && this.config.dropDice) return true;
    return this.config.callbackDropRate > 0 && this.random() < this.config.callbackDropRate;
  }
}

function rate(value: unknown, field: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw controlInput(field, 'must be a number from 0 to 1');
  return value;
}

function status(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 400 || value > 599) {
    throw controlInput(field, 'must be an HTTP error status from 400 to 599');
  }
  return value;
}

export function parseFaults(body: unknown): FaultConfig {
  if (!isRecord(body)) throw controlInput('body', 'must be a JSON object');
  const b = body;
  const known = [
    'errorRate',
    'errorStatus',
    'sequence',
    'retryAfterS',
    'latencyMs',
    'callbackDropRate',
    'dropDice',
    'failRecordingUpload',
    'dropRecordingAvailable',
  ];
  const unknown = Object.keys(b).find((key) => !known.includes(key));
  if (unknown) throw controlInput(unknown, `unknown field (allowed: ${known.join(', ')})`);
  if (b.sequence !== undefined && !Array.isArray(b.sequence)) {
    throw controlInput('sequence', 'must be an array of HTTP statuses such as [429, 503]');
  }
  const sequence = ((b.sequence as unknown[] | undefined) ?? []).map((s, i) => status(s, `sequence[${i}]`));
  const retryAfterS = b.retryAfterS;
  if (retryAfterS !== undefined && (typeof retryAfterS !== 'number' || !Number.isInteger(retryAfterS) || retryAfterS < 0)) {
    throw controlInput('retryAfterS', 'must be a whole number of seconds, 0 or more');
  }
  const latencyMs = b.latencyMs ?? 0;
  if (typeof latencyMs !== 'number' || !(latencyMs >= 0 && latencyMs <= 60_000)) {
    throw controlInput('latencyMs', 'must be a number of milliseconds from 0 to 60000');
  }
  for (const flag of ['dropDice', 'failRecordingUpload', 'dropRecordingAvailable']) {
    if (b[flag] !== undefined && typeof b[flag] !== 'boolean') throw controlInput(flag, 'must be a boolean');
  }
  return {
    errorRate: rate(b.errorRate, 'errorRate'),
    errorStatus: b.errorStatus === undefined ? 503 : status(b.errorStatus, 'errorStatus'),
    sequence,
    retryAfterS: retryAfterS as number | undefined,
    latencyMs,
    callbackDropRate: rate(b.callbackDropRate, 'callbackDropRate'),
    dropDice: b.dropDice === true,
    failRecordingUpload: b.failRecordingUpload === true,
    dropRecordingAvailable: b.dropRecordingAvailable === true,
  };
}
