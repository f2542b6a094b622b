import { randomBytes } from 'node:crypto';
import { DEFAULT_NUMBERS } from 'src/simulator/app-settings';
import { DEFAULT_FALLBACK_RATE, DEFAULT_RATES, RateTable } from 'src/simulator/calls/billing';
import { isUrl } from 'src/simulator/http/http-support';
import type { ResolvedOptions, SimulatorOptions } from 'src/simulator/simulator.types';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function fail(message: string): never {
  throw new Error(`Invalid simulator option ${message}`);
}

function number(value: number | undefined, name: string, fallback: number, min: number, max: number, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    fail(`${name}: must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

// Validates createSimulator() options once, with a message naming the option.
export function resolveOptions(options: SimulatorOptions): { resolved: ResolvedOptions; rates: RateTable } {
  if (!options.applicationKey || typeof options.applicationKey !== 'string') fail('applicationKey: is required');
  const secret = options.applicationSecret;
  if (!secret || !BASE64.test(secret) || secret.length % 4 !== 0) fail('applicationSecret: must be a base64 string');
  if (options.callbackUrl !== undefined && !isUrl(options.callbackUrl)) fail('callbackUrl: must be an http(s) URL');
  const currency = options.currency ?? 'USD';
  if (!/^[A-Z]{3}$/.test(currency)) fail('currency: must be a three-letter ISO 4217 code such as USD');
  let rates: RateTable;
  try {
    rates = new RateTable(options.rates ?? DEFAULT_RATES, DEFAULT_FALLBACK_RATE);
  } catch (error) {
    fail(`rates: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (options.recordingsS3Endpoint !== undefined && !isUrl(options.recordingsS3Endpoint)) fail('recordingsS3Endpoint: must be an http(s) URL');
  const numbers = options.numbers ?? DEFAULT_NUMBERS;
  const badNumber = numbers.find((n) => !/^\+[1-9]\d{6,14}$/.test(n));
  if (badNumber !== undefined) fail(`numbers: ${badNumber} is not in E.164 format`);
  return {
    rates,
    resolved: {
      port: number(options.port, 'port', 0, 0, 65535, true),
      host: options.host ?? '127.0.0.1',
      applicationKey: options.applicationKey,
      applicationSecret: secret,
      timeScale: number(options.timeScale, 'timeScale', 1, 0.01, 10_000),
      seed: number(options.seed, 'seed', randomBytes(4).readUInt32BE(0), 0, 0xffffffff, true),
      currency,
      billingIncrementS: number(options.billingIncrementS, 'billingIncrementS', 60, 1, 3600, true),
      ringTimeS: number(options.ringTimeS, 'ringTimeS', 3, 0, 3600),
      talkTimeS: number(options.talkTimeS, 'talkTimeS', 30, 0, 86_400),
      noAnswerTimeoutS: number(options.noAnswerTimeoutS, 'noAnswerTimeoutS', 30, 0, 3600),
      callbackTimeoutMs: number(options.callbackTimeoutMs, 'callbackTimeoutMs', 5000, 1, 600_000, true),
      numbers,
      recordingsS3Endpoint: options.recordingsS3Endpoint,
    },
  };
}
