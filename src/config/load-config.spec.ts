import { ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.role).toBe('all');
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/contact_center');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.sinch.callbackMaxSkewS).toBe(300);
    expect(config.simulatorMode).toBe(true);
  });

  it('reads the recordings settings: a local directory by default, S3 with its credentials kept apart', () => {
    const local = loadConfig({ RECORDINGS_LOCAL_DIR: '/var/rec' }).recordings;
    expect(local).toMatchObject({ destination: 'file:///var/rec/', format: 'wav', defaultPolicy: 'off', missingAfterS: 600, retentionDays: 90 });
    const s3 = loadConfig({
      RECORDINGS_DESTINATION: 's3://cc-rec/calls/',
      RECORDINGS_CREDENTIALS: 'AKID:SECRET:eu-north-1',
      RECORDINGS_S3_ENDPOINT: 'http://minio:9000',
    }).recordings;
    expect(s3).toMatchObject({
      destination: 's3://cc-rec/calls/',
      credentials: 'AKID:SECRET:eu-north-1',
      s3: { endpoint: 'http://minio:9000', region: 'eu-north-1', pathStyle: true },
    });
    expect(() => loadConfig({ RECORDINGS_DESTINATION: 's3://cc-rec/' })).toThrow('RECORDINGS_CREDENTIALS is required');
    expect(() => loadConfig({ RECORDINGS_DESTINATION: 'https://x/' })).toThrow('RECORDINGS_DESTINATION must be s3://bucket/prefix');
    let message = '';
    try {
      loadConfig({ RECORDINGS_CREDENTIALS: 'AKID-SECRET-ONLY' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('RECORDINGS_CREDENTIALS must be accessKeyId:secretAccessKey:region');
    expect(message).not.toContain('AKID-SECRET-ONLY');
    expect(() => loadConfig({ RECORDINGS_DEFAULT_POLICY: 'always' })).toThrow(ConfigError);
  });

  it('reads the previous Sinch credentials as a pair, and defaults that depend on other variables', () => {
    expect(loadConfig({}).sinch.previous).toBeUndefined();
    const previous = { SINCH_PREVIOUS_APPLICATION_KEY: 'old', SINCH_PREVIOUS_APPLICATION_SECRET: 'c2VjcmV0' };
    expect(loadConfig(previous).sinch.previous).toEqual({ applicationKey: 'old', applicationSecret: 'c2VjcmV0' });
    expect(loadConfig({})).toMatchObject({ logLevel: 'info', database: { createIfMissing: true } });
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('warn');
    const production = { NODE_ENV: 'production', ADMIN_API_KEY: 'a-production-admin-key-0123456789', SINCH_VOICE_URL: 'http://simulator:3019' };
    expect(loadConfig(production).database.createIfMissing).toBe(false);
    expect(loadConfig({ ...production, DATABASE_CREATE_IF_MISSING: 'yes' }).database.createIfMissing).toBe(true);
  });

  it('parses numbers and booleans', () => {
    const config = loadConfig({ PORT: '8080', DATABASE_MIGRATIONS_RUN: 'false', CALLBACK_MAX_SKEW_S: '60' });
    expect(config.http.port).toBe(8080);
    expect(config.database.migrationsRun).toBe(false);
    expect(config.sinch.callbackMaxSkewS).toBe(60);
  });

  it('reads the callout pacing and retry settings', () => {
    expect(loadConfig({}).callouts).toMatchObject({ perSecond: 10, maxAttempts: 5, inDoubtTimeoutS: 15_300 });
    const config = loadConfig({ SINCH_CALLOUTS_PER_SECOND: '2.5', CALLOUT_MAX_ATTEMPTS: '3' });
    expect(config.callouts).toMatchObject({ perSecond: 2.5, maxAttempts: 3 });
    expect(() => loadConfig({ SINCH_CALLOUTS_PER_SECOND: '0' })).toThrow(/SINCH_CALLOUTS_PER_SECOND/);
  });

  it('reads the campaign dialer and frequency cap settings', () => {
    expect(loadConfig({}).campaigns).toEqual({
      dialerIntervalMs: 1000,
      dialerMaxPerTick: 200,
      configRefreshMs: 2000,
      dialDecideMs: 15_000,
      importMaxBytes: 256 * 1024 * 1024,
      frequencyCap: { calls: 3, windowH: 24 },
    });
    const config = loadConfig({ FREQUENCY_CAP_CALLS: '5', FREQUENCY_CAP_WINDOW_H: '0.5', CAMPAIGN_DIALER_INTERVAL_MS: '250' });
    expect(config.campaigns).toMatchObject({ dialerIntervalMs: 250, frequencyCap: { calls: 5, windowH: 0.5 } });
    expect(() => loadConfig({ FREQUENCY_CAP_CALLS: '0' })).toThrow(/FREQUENCY_CAP_CALLS/);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT must not be greater than 65535/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL/],
    [{ DATABASE_URL: 'mysql://localhost/x' }, /DATABASE_URL/],
    [{ REDIS_URL: 'http://localhost' }, /REDIS_URL/],
    [{ APP_ROLE: 'web' }, /APP_ROLE must be one of the following values: api, worker, all/],
    [{ SINCH_APPLICATION_SECRET: 'not base64!' }, /SINCH_APPLICATION_SECRET/],
    [{ SINCH_APPLICATION_KEY: 'k' }, /must be set together/],
    [
      { SINCH_PREVIOUS_APPLICATION_SECRET: 'c2VjcmV0' },
      /^Invalid configuration: SINCH_PREVIOUS_APPLICATION_KEY and SINCH_PREVIOUS_APPLICATION_SECRET must be set together$/,
    ],
    [{ SINCH_CALLOUTS_PER_SECOND: 'Infinity' }, /^Invalid configuration: SINCH_CALLOUTS_PER_SECOND must be a number conforming to the specified constraints$/],
    [{ QUEUE_PREFIX: 'no spaces' }, /^Invalid configuration: QUEUE_PREFIX must be 1-64 characters/],
    [
      { CALLBACK_DEFAULT_ICE_MESSAGE: 'x'.repeat(601) },
      /^Invalid configuration: CALLBACK_DEFAULT_ICE_MESSAGE must be shorter than or equal to 600 characters$/,
    ],
    [{ DATABASE_MIGRATIONS_RUN: 'maybe' }, /^Invalid configuration: DATABASE_MIGRATIONS_RUN must be a boolean value$/],
    [{ NODE_ENV: 'production' }, /ADMIN_API_KEY is required/],
    [{ NODE_ENV: 'production', ADMIN_API_KEY: 'a-production-admin-key-0123456789' }, /SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET are required/],
  ])('rejects %j with one readable line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('accepts production with Sinch credentials, or with an explicit simulator URL', () => {
    const admin = { NODE_ENV: 'production', ADMIN_API_KEY: 'a-production-admin-key-0123456789' };
    expect(loadConfig({ ...admin, SINCH_APPLICATION_KEY: 'key', SINCH_APPLICATION_SECRET: 'c2VjcmV0' }).simulatorMode).toBe(false);
    expect(loadConfig({ ...admin, SINCH_VOICE_URL: 'http://simulator:3019' }).simulatorMode).toBe(true);
  });

  it('never puts a secret value in the error', () => {
    const secret = 'super-secret-value-that-is-not-base64!!';
    try {
      loadConfig({ SINCH_APPLICATION_KEY: 'key', SINCH_APPLICATION_SECRET: secret });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
