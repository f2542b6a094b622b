import type { AppRole } from './env.schema';

export type AppConfigValues = Omit<AppConfig, 'runsApi' | 'runsWorkers' | 'simulatorMode'>;

// The one typed configuration object, built once at start-up by loadConfig() and injected by class.
export class AppConfig {
  readonly env: 'development' | 'production' | 'test';
  readonly role: AppRole;
  readonly http: { port: number; host: string; shutdownTimeoutMs: number };
  readonly logLevel: string;
  readonly database: { url: string; migrationsRun: boolean; createIfMissing: boolean; poolSize: number };
  readonly redis: { url: string; queuePrefix: string };
  readonly auth: { bootstrapAdminKey?: string; rateLimitPerMinute: number; authFailuresPerMinute: number };
  readonly sinch: {
    // Both unset = simulator mode: the embedded simulator is started (role all) and the client points at it.
    applicationKey?: string;
    applicationSecret?: string;
    previous?: { applicationKey: string; applicationSecret: string };
    voiceUrl?: string;
    managementUrl?: string;
    region: string;
    requestTimeoutMs: number;
    callbackMaxSkewS: number;
  };
  readonly callouts: {
    // Global pace of callout requests to Sinch, shared by every worker process.
    perSecond: number;
    // Requests sent to Sinch for one call before it is failed (429 and 5xx count).
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
    concurrency: number;
    // BullMQ job lock; a worker that dies loses its jobs to another after about this long.
    lockMs: number;
    sweepIntervalS: number;
    // A queued call older than this with no job is enqueued again (crash between insert and enqueue).
    requeueAfterS: number;
    // A call whose callout was sent but whose outcome is unknown is failed after this long without a callback.
    inDoubtTimeoutS: number;
    idempotencyKeyTtlH: number;
  };
  readonly callbacks: { defaultIceMessage: string };
  readonly reconciler: {
    intervalS: number;
    // A call with no final state this long after its answer (or, never answered, after it started) is asked about.
    answeredAfterS: number;
    unansweredAfterS: number;
  };
  readonly campaigns: {
    dialerIntervalMs: number;
    // Contacts one campaign may claim in one tick, whatever its rate (keeps each claim transaction short).
    dialerMaxPerTick: number;
    // How often API processes reload campaign scripts; the dialer waits this long after a start or resume.
    configRefreshMs: number;
    // How often the predictive dialer decides its dial level again (VICIdial's adaptive dialer: 15 s).
    dialDecideMs: number;
    importMaxBytes: number;
    // At most `calls` calls to one number within `windowH` hours, across all campaigns.
    frequencyCap: { calls: number; windowH: number };
  };
  readonly numbers: {
    // How often worker processes sync the numbers with Sinch's list.
    syncIntervalS: number;
    // How often api processes reload inbound routes (the ICE answers from memory).
    routesRefreshMs: number;
    rateTtlH: number;
    // A pool number with at least `flagMinCalls` calls in 7 days whose answer rate is below `flagRatio` x the pool's median is flagged.
    flagMinCalls: number;
    flagRatio: number;
  };
  readonly queues: {
    // The park maxDuration asked of Sinch (at most 600 s).
    parkS: number;
    // Real milliseconds after a park (or re-park) before the caller is parked again; must stay below parkS.
    reparkAfterMs: number;
    // How often workers run the queue sweep (re-parks, wait limits, stale offers).
    sweepMs: number;
    // How often api processes reload queue settings (the ICE answers from memory).
    refreshMs: number;
    // Callers who hang up within this many seconds of waiting are counted apart from abandons.
    shortAbandonS: number;
  };
  readonly reports: {
    // The longest period one cost report covers from the roll-ups, and from the call log (?source=raw).
    maxPeriodDays: number;
    rawMaxPeriodDays: number;
    // The roll-up check compares this many recent days with the call log, this often.
    checkDays: number;
    checkIntervalS: number;
    // The zone whose local days the daily roll-up tier is cut in (a whole-hour zone; reports in it read days);
    // unset: the zone it is cut in now (UTC as migrated) is kept.
    dayZone?: string;
  };
  readonly budgets: {
    // How often budgets are compared with their spend (thresholds crossed, alerts sent, campaigns paused).
    checkIntervalS: number;
    // Signs the budget alerts' POSTs (HMAC-SHA256); budgets with alert URLs need it.
    alertSecret?: string;
  };
  readonly publicBaseUrl?: string;
  readonly simulator: { port: number; timeScale: number };
  // Pace of conference participant commands to Sinch (per process): Sinch documents no limit, 429 is back-pressure.
  readonly conferences: { commandsPerSecond: number; commandConcurrency: number };
  readonly recordings: {
    // s3://bucket/prefix/ (Sinch uploads there) or file:///dir/ (simulator mode only).
    destination: string;
    // accessKeyId:secretAccessKey:region, passed to Sinch in startRecording; never logged or answered.
    credentials?: string;
    s3: { endpoint?: string; region: string; pathStyle: boolean };
    format: 'wav' | 'mp3';
    defaultPolicy: 'off' | 'on' | 'consent';
    // A recording with no recording_available this long after its call ended (or its segment stopped) is missing.
    missingAfterS: number;
    retentionDays: number;
    sweepIntervalS: number;
  };

  constructor(values: AppConfigValues) {
    Object.assign(this, values);
  }

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
