import { Transform } from 'class-transformer';
import { IsBase64, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export const APP_ROLES = ['api', 'worker', 'all'] as const;
export type AppRole = (typeof APP_ROLES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const SINCH_REGIONS = ['global', 'use1', 'euc1', 'sae1', 'apse1', 'apse2'] as const;

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);
const toNumber = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value);
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
  return value;
};
const dbUrl = { protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true };
const redisUrl = { protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true };
const httpUrl = { protocols: ['http', 'https'], require_tld: false, require_protocol: true };

// The environment as validated at start-up. Every variable the service reads is declared here, with its rule;
// defaults live in load-config.ts so this class stays a pure description of what is accepted.
export class EnvVars {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;
  @IsOptional() @IsIn(APP_ROLES) APP_ROLE?: AppRole;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional() @IsIn(LOG_LEVELS) LOG_LEVEL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(600_000) SHUTDOWN_TIMEOUT_MS?: number;

  @IsOptional() @IsUrl(dbUrl) DATABASE_URL?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() DATABASE_MIGRATIONS_RUN?: boolean;
  @IsOptional() @Transform(toBool) @IsBoolean() DATABASE_CREATE_IF_MISSING?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE?: number;

  @IsOptional() @IsUrl(redisUrl) REDIS_URL?: string;
  @IsOptional()
  @Matches(/^[A-Za-z0-9:_{}-]{1,64}$/, { message: 'QUEUE_PREFIX must be 1-64 characters of A-Z a-z 0-9 : _ - { }' })
  QUEUE_PREFIX?: string;

  @IsOptional() @IsString() @MinLength(24) ADMIN_API_KEY?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100_000) ADMIN_RATE_LIMIT_PER_MINUTE?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100_000) AUTH_FAILURES_PER_MINUTE?: number;

  @IsOptional() @IsString() @MinLength(1) SINCH_APPLICATION_KEY?: string;
  @IsOptional() @IsBase64() SINCH_APPLICATION_SECRET?: string;
  @IsOptional() @IsString() @MinLength(1) SINCH_PREVIOUS_APPLICATION_KEY?: string;
  @IsOptional() @IsBase64() SINCH_PREVIOUS_APPLICATION_SECRET?: string;
  @IsOptional() @IsUrl(httpUrl) SINCH_VOICE_URL?: string;
  @IsOptional() @IsUrl(httpUrl) SINCH_MANAGEMENT_URL?: string;
  @IsOptional() @IsIn(SINCH_REGIONS) SINCH_REGION?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(120_000) SINCH_REQUEST_TIMEOUT_MS?: number;
  @IsOptional() @IsUrl(httpUrl) PUBLIC_BASE_URL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(86_400) CALLBACK_MAX_SKEW_S?: number;
  // Spoken to a caller no feature claims; Sinch's TTS limit is 600 characters.
  @IsOptional() @IsString() @MinLength(1) @MaxLength(600) CALLBACK_DEFAULT_ICE_MESSAGE?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600) RECONCILE_INTERVAL_S?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(7 * 86_400) RECONCILE_ANSWERED_AFTER_S?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(7 * 86_400) RECONCILE_UNANSWERED_AFTER_S?: number;

  @IsOptional() @Transform(toNumber) @IsNumber() @Min(0.1) @Max(10_000) SINCH_CALLOUTS_PER_SECOND?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(50) CALLOUT_MAX_ATTEMPTS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(600_000) CALLOUT_RETRY_BASE_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000) CALLOUT_RETRY_MAX_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) CALLOUT_CONCURRENCY?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1000) @Max(600_000) CALLOUT_LOCK_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600) CALLOUT_SWEEP_INTERVAL_S?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(86_400) CALLOUT_REQUEUE_AFTER_S?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(60) @Max(7 * 86_400) CALLOUT_IN_DOUBT_TIMEOUT_S?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(24 * 30) IDEMPOTENCY_KEY_TTL_H?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(60_000) CAMPAIGN_DIALER_INTERVAL_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(5000) CAMPAIGN_DIALER_MAX_PER_TICK?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(60_000) CAMPAIGN_CONFIG_REFRESH_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(600_000) CAMPAIGN_DIAL_DECIDE_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10_240) CAMPAIGN_IMPORT_MAX_MB?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) FREQUENCY_CAP_CALLS?: number;
  @IsOptional() @Transform(toNumber) @IsNumber() @Min(0.01) @Max(24 * 31) FREQUENCY_CAP_WINDOW_H?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(86_400) NUMBERS_SYNC_INTERVAL_S?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(60_000) NUMBERS_ROUTES_REFRESH_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(24 * 90) NUMBERS_RATE_TTL_H?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(600) QUEUE_PARK_S?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(590_000) QUEUE_REPARK_AFTER_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(60_000) QUEUE_SWEEP_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(60_000) QUEUE_REFRESH_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(120) QUEUE_SHORT_ABANDON_S?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100_000) NUMBERS_FLAG_MIN_CALLS?: number;
  @IsOptional() @Transform(toNumber) @IsNumber() @Min(0.01) @Max(1) NUMBERS_FLAG_RATIO?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3660) REPORTS_MAX_PERIOD_DAYS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3660) REPORTS_RAW_MAX_PERIOD_DAYS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(90) REPORTS_CHECK_DAYS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(7 * 86_400) REPORTS_CHECK_INTERVAL_S?: number;
  @IsOptional() @IsString() @MaxLength(64) REPORTS_DAY_ZONE?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(86_400) BUDGETS_CHECK_INTERVAL_S?: number;
  @IsOptional() @IsString() @MinLength(16) BUDGET_ALERT_SECRET?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) SIMULATOR_PORT?: number;
  @IsOptional() @Transform(toNumber) @IsNumber() @Min(0.01) @Max(10_000) SIMULATOR_TIME_SCALE?: number;
  @IsOptional() @Transform(toNumber) @IsNumber() @Min(0.1) @Max(1000) CONFERENCE_COMMANDS_PER_SECOND?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) CONFERENCE_COMMAND_CONCURRENCY?: number;
  @IsOptional()
  @Matches(/^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?|file:\/\/\/.+)$/, {
    message: 'RECORDINGS_DESTINATION must be s3://bucket/prefix (or file:///dir in simulator mode)',
  })
  RECORDINGS_DESTINATION?: string;
  @IsOptional()
  @Matches(/^[^:]+:[^:]+:[a-z0-9-]+$/, { message: 'RECORDINGS_CREDENTIALS must be accessKeyId:secretAccessKey:region, as Sinch expects them' })
  RECORDINGS_CREDENTIALS?: string;
  @IsOptional() @IsUrl(httpUrl) RECORDINGS_S3_ENDPOINT?: string;
  @IsOptional() @IsString() @Matches(/^[a-z0-9-]+$/) RECORDINGS_S3_REGION?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() RECORDINGS_S3_PATH_STYLE?: boolean;
  @IsOptional() @IsString() @MinLength(1) RECORDINGS_LOCAL_DIR?: string;
  @IsOptional() @IsIn(['wav', 'mp3']) RECORDINGS_FORMAT?: 'wav' | 'mp3';
  @IsOptional() @IsIn(['off', 'on', 'consent']) RECORDINGS_DEFAULT_POLICY?: 'off' | 'on' | 'consent';
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(7 * 86_400) RECORDINGS_MISSING_AFTER_S?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(36_500) RECORDINGS_RETENTION_DAYS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(86_400) RECORDINGS_SWEEP_INTERVAL_S?: number;
}
