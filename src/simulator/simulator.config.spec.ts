import { loadSimulatorConfig } from 'src/simulator/simulator.config';
import { DEV_CREDENTIAL } from 'src/sinch/signing';

describe('simulator config', () => {
  it('defaults to port 3019 and the documented development credentials', () => {
    expect(loadSimulatorConfig({})).toEqual({
      port: 3019,
      host: '127.0.0.1',
      applicationKey: DEV_CREDENTIAL.applicationKey,
      applicationSecret: DEV_CREDENTIAL.applicationSecret,
      callbackUrl: undefined,
      timeScale: 1,
      seed: undefined,
      currency: 'USD',
      logEvents: false,
    });
    // The README documents these values: the service in simulator mode and the simulator both use them.
    expect(DEV_CREDENTIAL).toEqual({ applicationKey: '5151de00-0000-4000-8000-000000000001', applicationSecret: 'c2ltdWxhdG9yLXNlY3JldA==' });
  });

  it('reads every variable', () => {
    const config = loadSimulatorConfig({
      SIMULATOR_PORT: '4000',
      SINCH_APPLICATION_KEY: 'key',
      SINCH_APPLICATION_SECRET: 'c2VjcmV0',
      SIMULATOR_CALLBACK_URL: 'http://127.0.0.1:3000/sinch/callbacks',
      SIMULATOR_TIME_SCALE: '20',
      SIMULATOR_SEED: '42',
      SIMULATOR_CURRENCY: 'EUR',
      SIMULATOR_LOG: 'true',
    });
    expect(config).toMatchObject({ port: 4000, applicationKey: 'key', timeScale: 20, seed: 42, currency: 'EUR', logEvents: true });
  });

  it.each([
    [{ SIMULATOR_PORT: 'http' }, /^Invalid configuration: SIMULATOR_PORT must be a whole number/],
    [{ SIMULATOR_PORT: '70000' }, /SIMULATOR_PORT/],
    [{ SIMULATOR_TIME_SCALE: '0' }, /SIMULATOR_TIME_SCALE/],
    [{ SIMULATOR_TIME_SCALE: 'fast' }, /SIMULATOR_TIME_SCALE/],
    [{ SIMULATOR_SEED: '-1' }, /SIMULATOR_SEED/],
    [{ SIMULATOR_CURRENCY: 'usd' }, /SIMULATOR_CURRENCY/],
    [{ SIMULATOR_CALLBACK_URL: 'ftp://x' }, /SIMULATOR_CALLBACK_URL/],
    [{ SIMULATOR_CALLBACK_URL: 'not a url' }, /SIMULATOR_CALLBACK_URL/],
    [{ SINCH_APPLICATION_KEY: 'key' }, /SINCH_APPLICATION_KEY and SINCH_APPLICATION_SECRET/],
    [{ SINCH_APPLICATION_KEY: 'key', SINCH_APPLICATION_SECRET: 'not base64!' }, /SINCH_APPLICATION_SECRET must be base64/],
    [{ SIMULATOR_LOG: 'loud' }, /SIMULATOR_LOG/],
  ])('rejects %j with one line naming the variable', (env, message) => {
    expect(() => loadSimulatorConfig(env)).toThrow(message);
    try {
      loadSimulatorConfig(env);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
