import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { base64, bool, int, megabytes, num, oneOf, text, together, url, Values } from './setting';

export const APP_ROLES = ['api', 'worker', 'all'] as const;
export type AppRole = (typeof APP_ROLES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const SINCH_REGIONS = ['global', 'use1', 'euc1', 'sae1', 'apse1', 'apse2'] as const;
const DATABASE = ['postgres', 'postgresql'];
const REDIS = ['redis', 'rediss'];
const HTTP = ['http', 'https'];
const DAY_S = 86_400;

// Every environment variable the service reads, declared once: its rule, its default and where it lands in AppConfig.
// A new setting is one line here. Rules between variables are checked in load-config.ts.
export const SETTINGS = {
  env: oneOf('NODE_ENV', ['development', 'production', 'test'], { default: 'development' }),
  role: oneOf('APP_ROLE', APP_ROLES, { default: 'all' }),
  http: {
    port: int('PORT', { min: 0, max: 65535, default: 3000 }),
    host: text('HOST', { default: '0.0.0.0' }),
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', { min: 0, max: 600_000, default: 10_000 }),
  },
  logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, { default: (env) => (env.NODE_ENV === 'test' ? 'warn' : 'info') }),
  database: {
    url: url('DATABASE_URL', DATABASE, { default: 'postgres://postgres@127.0.0.1:5432/contact_center' }),
    migrationsRun: bool('DATABASE_MIGRATIONS_RUN', { default: true }),
    createIfMissing: bool('DATABASE_CREATE_IF_MISSING', { default: (env) => env.NODE_ENV !== 'production' }),
    poolSize: int('DATABASE_POOL_SIZE', { min: 1, max: 200, default: 10 }),
  },
  redis: {
    url: url('REDIS_URL', REDIS, { default: 'redis://127.0.0.1:6379' }),
    queuePrefix: text('QUEUE_PREFIX', { pattern: /^[A-Za-z0-9:_{}-]{1,64}$/, rule: 'must be 1-64 characters of A-Z a-z 0-9 : _ - { }', default: '{cc}' }),
  },
  auth: {
    bootstrapAdminKey: text('ADMIN_API_KEY', { minLength: 24 }),
    rateLimitPerMinute: int('ADMIN_RATE_LIMIT_PER_MINUTE', { min: 1, max: 100_000, default: 6_000 }),
    authFailuresPerMinute: int('AUTH_FAILURES_PER_MINUTE', { min: 1, max: 100_000, default: 60 }),
  },
  sinch: {
    // Both unset = simulator mode: the embedded simulator is started (role all) and the client points at it.
    applicationKey: text('SINCH_APPLICATION_KEY'),
    applicationSecret: base64('SINCH_APPLICATION_SECRET'),
    previous: together({ applicationKey: text('SINCH_PREVIOUS_APPLICATION_KEY'), applicationSecret: base64('SINCH_PREVIOUS_APPLICATION_SECRET') }),
    voiceUrl: url('SINCH_VOICE_URL', HTTP),
    managementUrl: url('SINCH_MANAGEMENT_URL', HTTP),
    region: oneOf('SINCH_REGION', SINCH_REGIONS, { default: 'global' }),
    requestTimeoutMs: int('SINCH_REQUEST_TIMEOUT_MS', { min: 100, max: 120_000, default: 10_000 }),
    callbackMaxSkewS: int('CALLBACK_MAX_SKEW_S', { min: 1, max: DAY_S, default: 300 }),
  },
  callouts: {
    // Global pace of callout requests to Sinch, shared by every worker process.
    perSecond: num('SINCH_CALLOUTS_PER_SECOND', { min: 0.1, max: 10_000, default: 10 }),
    // Requests sent to Sinch for one call before it is failed (429 and 5xx count).
    maxAttempts: int('CALLOUT_MAX_ATTEMPTS', { min: 1, max: 50, default: 5 }),
    retryBaseMs: int('CALLOUT_RETRY_BASE_MS', { min: 10, max: 600_000, default: 1000 }),
    retryMaxMs: int('CALLOUT_RETRY_MAX_MS', { min: 100, max: 3_600_000, default: 60_000 }),
    concurrency: int('CALLOUT_CONCURRENCY', { min: 1, max: 1000, default: 20 }),
    // BullMQ job lock; a worker that dies loses its jobs to another after about this long.
    lockMs: int('CALLOUT_LOCK_MS', { min: 1000, max: 600_000, default: 30_000 }),
    sweepIntervalS: int('CALLOUT_SWEEP_INTERVAL_S', { min: 1, max: 3600, default: 30 }),
    // A queued call older than this with no job is enqueued again (crash between insert and enqueue).
    requeueAfterS: int('CALLOUT_REQUEUE_AFTER_S', { min: 1, max: DAY_S, default: 60 }),
    // A call whose callout was sent but whose outcome is unknown is failed after this long without a callback.
    inDoubtTimeoutS: int('CALLOUT_IN_DOUBT_TIMEOUT_S', { min: 60, max: 7 * DAY_S, default: 4 * 3600 + 900 }),
    idempotencyKeyTtlH: int('IDEMPOTENCY_KEY_TTL_H', { min: 1, max: 24 * 30, default: 24 }),
  },
  callbacks: {
    // Spoken to a caller no feature claims; Sinch's TTS limit is 600 characters.
    defaultIceMessage: text('CALLBACK_DEFAULT_ICE_MESSAGE', {
      maxLength: 600,
      default: 'Thank you for calling. Nobody can take your call at the moment. Goodbye.',
    }),
  },
  reconciler: {
    intervalS: int('RECONCILE_INTERVAL_S', { min: 1, max: 3600, default: 60 }),
    // A call with no final state this long after its answer (or, never answered, after it started) is asked about.
    // connectPstn/connectSip may last 14400 s (4 h); ten minutes more covers a late DiCE.
    answeredAfterS: int('RECONCILE_ANSWERED_AFTER_S', { min: 1, max: 7 * DAY_S, default: 4 * 3600 + 600 }),
    // Ringing ends within minutes (dial timeouts, a 600 s park); a quarter of an hour is already long.
    unansweredAfterS: int('RECONCILE_UNANSWERED_AFTER_S', { min: 1, max: 7 * DAY_S, default: 900 }),
  },
  campaigns: {
    dialerIntervalMs: int('CAMPAIGN_DIALER_INTERVAL_MS', { min: 100, max: 60_000, default: 1000 }),
    // Contacts one campaign may claim in one tick, whatever its rate (keeps each claim transaction short).
    dialerMaxPerTick: int('CAMPAIGN_DIALER_MAX_PER_TICK', { min: 1, max: 5000, default: 200 }),
    // How often API processes reload campaign scripts; the dialer waits this long after a start or resume.
    configRefreshMs: int('CAMPAIGN_CONFIG_REFRESH_MS', { min: 100, max: 60_000, default: 2000 }),
    // How often the predictive dialer decides its dial level again (VICIdial's adaptive dialer: 15 s).
    dialDecideMs: int('CAMPAIGN_DIAL_DECIDE_MS', { min: 100, max: 600_000, default: 15_000 }),
    importMaxBytes: megabytes('CAMPAIGN_IMPORT_MAX_MB', { min: 1, max: 10_240, default: 256 }),
    // At most `calls` calls to one number within `windowH` hours, across all campaigns.
    frequencyCap: {
      calls: int('FREQUENCY_CAP_CALLS', { min: 1, max: 1000, default: 3 }),
      windowH: num('FREQUENCY_CAP_WINDOW_H', { min: 0.01, max: 24 * 31, default: 24 }),
    },
  },
  numbers: {
    // How often worker processes sync the numbers with Sinch's list.
    syncIntervalS: int('NUMBERS_SYNC_INTERVAL_S', { min: 10, max: DAY_S, default: 300 }),
    // How often api processes reload inbound routes (the ICE answers from memory).
    routesRefreshMs: int('NUMBERS_ROUTES_REFRESH_MS', { min: 100, max: 60_000, default: 2000 }),
    rateTtlH: int('NUMBERS_RATE_TTL_H', { min: 1, max: 24 * 90, default: 24 }),
    // A pool number with at least `flagMinCalls` calls in 7 days whose answer rate is below `flagRatio` x the pool's median is flagged.
    flagMinCalls: int('NUMBERS_FLAG_MIN_CALLS', { min: 1, max: 100_000, default: 20 }),
    flagRatio: num('NUMBERS_FLAG_RATIO', { min: 0.01, max: 1, default: 0.5 }),
  },
  queues: {
    // The park maxDuration asked of Sinch (at most 600 s).
    parkS: int('QUEUE_PARK_S', { min: 10, max: 600, default: 600 }),
    // Real milliseconds after a park (or re-park) before the caller is parked again; must stay below parkS.
    // A minute of margin before Sinch's 600 s park limit ends the call.
    reparkAfterMs: int('QUEUE_REPARK_AFTER_MS', { min: 100, max: 590_000, default: 540_000 }),
    // How often workers run the queue sweep (re-parks, wait limits, stale offers).
    sweepMs: int('QUEUE_SWEEP_MS', { min: 100, max: 60_000, default: 1000 }),
    // How often api processes reload queue settings (the ICE answers from memory).
    refreshMs: int('QUEUE_REFRESH_MS', { min: 100, max: 60_000, default: 2000 }),
    // Callers who hang up within this many seconds of waiting are counted apart from abandons.
    shortAbandonS: int('QUEUE_SHORT_ABANDON_S', { min: 0, max: 120, default: 5 }),
  },
  reports: {
    // The longest period one cost report covers from the roll-ups, and from the call log (?source=raw).
    maxPeriodDays: int('REPORTS_MAX_PERIOD_DAYS', { min: 1, max: 3660, default: 400 }),
    rawMaxPeriodDays: int('REPORTS_RAW_MAX_PERIOD_DAYS', { min: 1, max: 3660, default: 31 }),
    // The roll-up check compares this many recent days with the call log, this often.
    checkDays: int('REPORTS_CHECK_DAYS', { min: 1, max: 90, default: 2 }),
    checkIntervalS: int('REPORTS_CHECK_INTERVAL_S', { min: 10, max: 7 * DAY_S, default: 3600 }),
    // The zone whose local days the daily roll-up tier is cut in (a whole-hour zone; reports in it read days; the
    // roll-up check verifies it against Postgres at boot); unset: the zone it is cut in now (UTC as migrated) is kept.
    dayZone: text('REPORTS_DAY_ZONE', { maxLength: 64 }),
  },
  budgets: {
    // How often budgets are compared with their spend (thresholds crossed, alerts sent, campaigns paused).
    checkIntervalS: int('BUDGETS_CHECK_INTERVAL_S', { min: 1, max: DAY_S, default: 60 }),
    // Signs the budget alerts' POSTs (HMAC-SHA256); budgets with alert URLs need it.
    alertSecret: text('BUDGET_ALERT_SECRET', { minLength: 16 }),
  },
  publicBaseUrl: url('PUBLIC_BASE_URL', HTTP),
  simulator: {
    port: int('SIMULATOR_PORT', { min: 0, max: 65535, default: 3019 }),
    timeScale: num('SIMULATOR_TIME_SCALE', { min: 0.01, max: 10_000, default: 1 }),
  },
  // Pace of conference participant commands to Sinch (per process): Sinch documents no limit, 429 is back-pressure.
  conferences: {
    commandsPerSecond: num('CONFERENCE_COMMANDS_PER_SECOND', { min: 0.1, max: 1000, default: 10 }),
    commandConcurrency: int('CONFERENCE_COMMAND_CONCURRENCY', { min: 1, max: 100, default: 5 }),
  },
  // Sinch uploads to S3 (RECORDINGS_DESTINATION, RECORDINGS_CREDENTIALS); the embedded simulator writes to a local
  // directory (RECORDINGS_LOCAL_DIR) by default instead.
  recordings: {
    // s3://bucket/prefix/ (Sinch uploads there) or file:///dir/ (simulator mode only).
    destination: text('RECORDINGS_DESTINATION', {
      pattern: /^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?|file:\/\/\/.+)$/,
      rule: 'must be s3://bucket/prefix (or file:///dir in simulator mode)',
      default: (env) => `file://${resolve(env.RECORDINGS_LOCAL_DIR ?? join(tmpdir(), 'contact-center-recordings'))}/`,
    }),
    // accessKeyId:secretAccessKey:region, passed to Sinch in startRecording; never logged or answered. Kept apart
    // from `destination` so nothing that prints it prints them.
    credentials: text('RECORDINGS_CREDENTIALS', {
      pattern: /^[^:]+:[^:]+:[a-z0-9-]+$/,
      rule: 'must be accessKeyId:secretAccessKey:region, as Sinch expects them',
    }),
    s3: {
      endpoint: url('RECORDINGS_S3_ENDPOINT', HTTP),
      region: text('RECORDINGS_S3_REGION', { pattern: /^[a-z0-9-]+$/, default: (env) => env.RECORDINGS_CREDENTIALS?.split(':')[2] ?? 'us-east-1' }),
      pathStyle: bool('RECORDINGS_S3_PATH_STYLE', { default: (env) => Boolean(env.RECORDINGS_S3_ENDPOINT) }),
    },
    format: oneOf('RECORDINGS_FORMAT', ['wav', 'mp3'], { default: 'wav' }),
    defaultPolicy: oneOf('RECORDINGS_DEFAULT_POLICY', ['off', 'on', 'consent'], { default: 'off' }),
    // A recording with no recording_available this long after its call ended (or its segment stopped) is missing.
    missingAfterS: int('RECORDINGS_MISSING_AFTER_S', { min: 1, max: 7 * DAY_S, default: 600 }),
    retentionDays: int('RECORDINGS_RETENTION_DAYS', { min: 1, max: 36_500, default: 90 }),
    sweepIntervalS: int('RECORDINGS_SWEEP_INTERVAL_S', { min: 1, max: DAY_S, default: 60 }),
  },
};

export type AppConfigValues = Values<typeof SETTINGS>;

// Nest injects the configuration by this class; its fields are the settings' values, assigned once at start-up.
const ConfigValues = class {
  constructor(values: AppConfigValues) {
    Object.assign(this, values);
  }
} as new (values: AppConfigValues) => Readonly<AppConfigValues>;

// The one typed configuration object, built once at start-up by loadConfig() and injected by class.
export class AppConfig extends ConfigValues {
  get runsApi(): boolean {
    return this.role === 'api' || this.role === 'all';
  }

  get runsWorkers(): boolean {
    return this.role === 'worker' || this.role === 'all';
  }

  get simulatorMode(): boolean {
    return !this.sinch.applicationKey && !this.sinch.applicationSecret;
  }
}
