import { DEV_CREDENTIAL } from 'src/sinch/signing';

// The standalone simulator's own small configuration (npm run simulator), validated once at start-up.

export interface SimulatorConfig {
  port: number;
  host: string;
  applicationKey: string;
  applicationSecret: string;
  callbackUrl?: string;
  timeScale: number;
  seed?: number;
  currency: string;
  logEvents: boolean;
  recordingsS3Endpoint?: string;
}

export class SimulatorConfigError extends Error {}

type Env = Record<string, string | undefined>;

function bad(name: string, rule: string, value: string): never {
  throw new SimulatorConfigError(`Invalid configuration: ${name} ${rule} (got "${value}")`);
}

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) bad(name, `must be a whole number from ${min} to ${max}`, raw);
  return value;
}

export function loadSimulatorConfig(env: Env): SimulatorConfig {
  const key = read(env, 'SINCH_APPLICATION_KEY');
  const secret = read(env, 'SINCH_APPLICATION_SECRET');
  if ((key === undefined) !== (secret === undefined)) {
    throw new SimulatorConfigError(
      'Invalid configuration: SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET must be set together (or both unset for the development credentials)',
    );
  }
  if (secret !== undefined && (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret) || secret.length % 4 !== 0)) {
    // The value of a secret is never echoed.
    throw new SimulatorConfigError('Invalid configuration: SINCH_APPLICATION_SECRET must be base64, as the Sinch dashboard shows it');
  }

  const callbackUrl = read(env, 'SIMULATOR_CALLBACK_URL');
  if (callbackUrl !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(callbackUrl).protocol;
    } catch {
      bad('SIMULATOR_CALLBACK_URL', 'must be an http(s) URL', callbackUrl);
    }
    if (protocol !== 'http:' && protocol !== 'https:') bad('SIMULATOR_CALLBACK_URL', 'must be an http(s) URL', callbackUrl);
  }

  const rawScale = read(env, 'SIMULATOR_TIME_SCALE');
  let timeScale = 1;
  if (rawScale !== undefined) {
    timeScale = Number(rawScale);
    if (!/^\d+(\.\d+)?$/.test(rawScale) || timeScale < 0.01 || timeScale > 10_000) {
      bad('SIMULATOR_TIME_SCALE', 'must be a number from 0.01 to 10000 (20 = twenty times faster)', rawScale);
    }
  }

  const currency = read(env, 'SIMULATOR_CURRENCY') ?? 'USD';
  if (!/^[A-Z]{3}$/.test(currency)) bad('SIMULATOR_CURRENCY', 'must be a three-letter ISO 4217 code such as USD', currency);

  const log = read(env, 'SIMULATOR_LOG') ?? 'false';
  if (!['true', 'false', '1', '0'].includes(log)) bad('SIMULATOR_LOG', 'must be true or false', log);

  // Where s3:// recording destinations are uploaded (MinIO in docker-compose).
  const recordingsS3Endpoint = read(env, 'SIMULATOR_RECORDINGS_S3_ENDPOINT');
  if (recordingsS3Endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(recordingsS3Endpoint)) {
    bad('SIMULATOR_RECORDINGS_S3_ENDPOINT', 'must be an http(s) URL', recordingsS3Endpoint);
  }

  return {
    port: integer(env, 'SIMULATOR_PORT', 0, 65535) ?? 3019,
    host: read(env, 'SIMULATOR_HOST') ?? '127.0.0.1',
    applicationKey: key ?? DEV_CREDENTIAL.applicationKey,
    applicationSecret: secret ?? DEV_CREDENTIAL.applicationSecret,
    callbackUrl,
    timeScale,
    seed: integer(env, 'SIMULATOR_SEED', 0, 0xffffffff),
    currency,
    logEvents: log === 'true' || log === '1',
    recordingsS3Endpoint,
  };
}

// The single place the standalone simulator reads process.env.
export function loadSimulatorConfigFromProcessEnv(): SimulatorConfig {
  return loadSimulatorConfig(process.env);
}
