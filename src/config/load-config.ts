import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { AppConfig } from './app-config';
import { EnvVars } from './env.schema';

export class ConfigError extends Error {}

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/contact_center';

function firstProblem(errors: ValidationError[]): string {
  const error = errors[0];
  // A type rule (isInt, isUrl, isIn...) says more than a range rule that fails only because the type did.
  const constraints = Object.entries(error.constraints ?? {});
  const rule = (constraints.find(([name]) => name.startsWith('is')) ?? constraints[0])?.[1] ?? 'is invalid';
  // class-validator's messages already start with the property name; keep them as the one readable line.
  return `Invalid configuration: ${rule.startsWith(error.property) ? rule : `${error.property} ${rule}`}`;
}

// Validates the environment into AppConfig. Throws ConfigError with one line naming the variable and the rule.
// Secrets are never part of the message: only names and rules are.
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const raw = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const vars = plainToInstance(EnvVars, raw, { enableImplicitConversion: false });
  const errors = validateSync(vars, { skipMissingProperties: false });
  if (errors.length > 0) throw new ConfigError(firstProblem(errors));

  const nodeEnv = (vars.NODE_ENV ?? 'development') as AppConfig['env'];
  const production = nodeEnv === 'production';
  if (production && !vars.ADMIN_API_KEY) {
    throw new ConfigError('Invalid configuration: ADMIN_API_KEY is required when NODE_ENV=production');
  }
  if (Boolean(vars.SINCH_APPLICATION_KEY) !== Boolean(vars.SINCH_APPLICATION_SECRET)) {
    throw new ConfigError('Invalid configuration: SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET must be set together (or both unset for the simulator)');
  }
  // In production, simulator mode must be asked for (SINCH_VOICE_URL naming the simulator), never fallen into.
  if (production && !vars.SINCH_APPLICATION_KEY && !vars.SINCH_VOICE_URL) {
    throw new ConfigError(
      'Invalid configuration: SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET are required when NODE_ENV=production (or set SINCH_VOICE_URL to a Sinch simulator)',
    );
  }
  if (Boolean(vars.SINCH_PREVIOUS_APPLICATION_KEY) !== Boolean(vars.SINCH_PREVIOUS_APPLICATION_SECRET)) {
    throw new ConfigError('Invalid configuration: SINCH_PREVIOUS_APPLICATION_KEY and SINCH_PREVIOUS_APPLICATION_SECRET must be set together');
  }

  return new AppConfig({
    env: nodeEnv,
    role: vars.APP_ROLE ?? 'all',
    http: { port: vars.PORT ?? 3000, host: vars.HOST ?? '0.0.0.0', shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS ?? 10_000 },
    logLevel: vars.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    database: {
      url: vars.DATABASE_URL ?? DEFAULT_DATABASE_URL,
      migrationsRun: vars.DATABASE_MIGRATIONS_RUN ?? true,
      createIfMissing: vars.DATABASE_CREATE_IF_MISSING ?? !production,
      poolSize: vars.DATABASE_POOL_SIZE ?? 10,
    },
    redis: { url: vars.REDIS_URL ?? 'redis://127.0.0.1:6379', queuePrefix: vars.QUEUE_PREFIX ?? '{cc}' },
    auth: {
      bootstrapAdminKey: vars.ADMIN_API_KEY,
      rateLimitPerMinute: vars.ADMIN_RATE_LIMIT_PER_MINUTE ?? 6_000,
      authFailuresPerMinute: vars.AUTH_FAILURES_PER_MINUTE ?? 60,
    },
    sinch: {
      applicationKey: vars.SINCH_APPLICATION_KEY,
      applicationSecret: vars.SINCH_APPLICATION_SECRET,
      previous: vars.SINCH_PREVIOUS_APPLICATION_KEY
        ? { applicationKey: vars.SINCH_PREVIOUS_APPLICATION_KEY, applicationSecret: vars.SINCH_PREVIOUS_APPLICATION_SECRET! }
        : undefined,
      voiceUrl: vars.SINCH_VOICE_URL,
      managementUrl: vars.SINCH_MANAGEMENT_URL,
      region: vars.SINCH_REGION ?? 'global',
      requestTimeoutMs: vars.SINCH_REQUEST_TIMEOUT_MS ?? 10_000,
      callbackMaxSkewS: vars.CALLBACK_MAX_SKEW_S ?? 300,
    },
    callouts: {
      perSecond: vars.SINCH_CALLOUTS_PER_SECOND ?? 10,
      maxAttempts: vars.CALLOUT_MAX_ATTEMPTS ?? 5,
      retryBaseMs: vars.CALLOUT_RETRY_BASE_MS ?? 1000,
      retryMaxMs: vars.CALLOUT_RETRY_MAX_MS ?? 60_000,
      concurrency: vars.CALLOUT_CONCURRENCY ?? 20,
      lockMs: vars.CALLOUT_LOCK_MS ?? 30_000,
      sweepIntervalS: vars.CALLOUT_SWEEP_INTERVAL_S ?? 30,
      requeueAfterS: vars.CALLOUT_REQUEUE_AFTER_S ?? 60,
      inDoubtTimeoutS: vars.CALLOUT_IN_DOUBT_TIMEOUT_S ?? 4 * 3600 + 900,
      idempotencyKeyTtlH: vars.IDEMPOTENCY_KEY_TTL_H ?? 24,
    },
    callbacks: {
      defaultIceMessage: vars.CALLBACK_DEFAULT_ICE_MESSAGE ?? 'Thank you for calling. Nobody can take your call at the moment. Goodbye.',
    },
    reconciler: {
      intervalS: vars.RECONCILE_INTERVAL_S ?? 60,
      // connectPstn/connectSip may last 14400 s (4 h); ten minutes more covers a late DiCE.
      answeredAfterS: vars.RECONCILE_ANSWERED_AFTER_S ?? 4 * 3600 + 600,
      // Ringing ends within minutes (dial timeouts, a 600 s park); a quarter of an hour is already long.
      unansweredAfterS: vars.RECONCILE_UNANSWERED_AFTER_S ?? 900,
    },
    campaigns: {
      dialerIntervalMs: vars.CAMPAIGN_DIALER_INTERVAL_MS ?? 1000,
      dialerMaxPerTick: vars.CAMPAIGN_DIALER_MAX_PER_TICK ?? 200,
      configRefreshMs: vars.CAMPAIGN_CONFIG_REFRESH_MS ?? 2000,
      dialDecideMs: vars.CAMPAIGN_DIAL_DECIDE_MS ?? 15_000,
      importMaxBytes: (vars.CAMPAIGN_IMPORT_MAX_MB ?? 256) * 1024 * 1024,
      frequencyCap: { calls: vars.FREQUENCY_CAP_CALLS ?? 3, windowH: vars.FREQUENCY_CAP_WINDOW_H ?? 24 },
    },
    reports: {
      maxPeriodDays: vars.REPORTS_MAX_PERIOD_DAYS ?? 400,
      rawMaxPeriodDays: vars.REPORTS_RAW_MAX_PERIOD_DAYS ?? 31,
      checkDays: vars.REPORTS_CHECK_DAYS ?? 2,
      checkIntervalS: vars.REPORTS_CHECK_INTERVAL_S ?? 3600,
      dayZone: vars.REPORTS_DAY_ZONE,
    },
    budgets: { checkIntervalS: vars.BUDGETS_CHECK_INTERVAL_S ?? 60, alertSecret: vars.BUDGET_ALERT_SECRET },
    numbers: {
      syncIntervalS: vars.NUMBERS_SYNC_INTERVAL_S ?? 300,
      routesRefreshMs: vars.NUMBERS_ROUTES_REFRESH_MS ?? 2000,
      rateTtlH: vars.NUMBERS_RATE_TTL_H ?? 24,
      flagMinCalls: vars.NUMBERS_FLAG_MIN_CALLS ?? 20,
      flagRatio: vars.NUMBERS_FLAG_RATIO ?? 0.5,
    },
    queues: {
      parkS: vars.QUEUE_PARK_S ?? 600,
      // A minute of margin before Sinch's 600 s park limit ends the call.
      reparkAfterMs: vars.QUEUE_REPARK_AFTER_MS ?? 540_000,
      sweepMs: vars.QUEUE_SWEEP_MS ?? 1000,
      refreshMs: vars.QUEUE_REFRESH_MS ?? 2000,
      shortAbandonS: vars.QUEUE_SHORT_ABANDON_S ?? 5,
    },
    publicBaseUrl: vars.PUBLIC_BASE_URL,
    simulator: { port: vars.SIMULATOR_PORT ?? 3019, timeScale: vars.SIMULATOR_TIME_SCALE ?? 1 },
    conferences: { commandsPerSecond: vars.CONFERENCE_COMMANDS_PER_SECOND ?? 10, commandConcurrency: vars.CONFERENCE_COMMAND_CONCURRENCY ?? 5 },
    recordings: recordingsConfig(vars),
  });
}

// Sinch uploads to S3 (RECORDINGS_DESTINATION, RECORDINGS_CREDENTIALS); the embedded simulator writes to a local
// directory by default instead. Credentials are kept apart so nothing that prints `destination` prints them.
function recordingsConfig(vars: EnvVars): AppConfig['recordings'] {
  const destination = vars.RECORDINGS_DESTINATION ?? `file://${resolve(vars.RECORDINGS_LOCAL_DIR ?? join(tmpdir(), 'contact-center-recordings'))}/`;
  if (destination.startsWith('s3://') && !vars.RECORDINGS_CREDENTIALS) {
    throw new ConfigError('Invalid configuration: RECORDINGS_CREDENTIALS is required when RECORDINGS_DESTINATION is an s3:// URL');
  }
  const region = vars.RECORDINGS_S3_REGION ?? vars.RECORDINGS_CREDENTIALS?.split(':')[2] ?? 'us-east-1';
  return {
    destination,
    credentials: vars.RECORDINGS_CREDENTIALS,
    s3: { endpoint: vars.RECORDINGS_S3_ENDPOINT, region, pathStyle: vars.RECORDINGS_S3_PATH_STYLE ?? Boolean(vars.RECORDINGS_S3_ENDPOINT) },
    format: vars.RECORDINGS_FORMAT ?? 'wav',
    defaultPolicy: vars.RECORDINGS_DEFAULT_POLICY ?? 'off',
    missingAfterS: vars.RECORDINGS_MISSING_AFTER_S ?? 600,
    retentionDays: vars.RECORDINGS_RETENTION_DAYS ?? 90,
    sweepIntervalS: vars.RECORDINGS_SWEEP_INTERVAL_S ?? 60,
  };
}

// The single place that reads process.env.
export function loadConfigFromProcessEnv(): AppConfig {
  return loadConfig(process.env);
}
