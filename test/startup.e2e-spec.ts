import { startChildApp } from './child-app';
import { testEnv } from './test-app';
import { waitFor } from './wait-for';

describe('start-up and shutdown (e2e)', () => {
  it.each([
    ['PORT', 'abc', /^Invalid configuration: PORT must be an integer number\n$/],
    ['DATABASE_URL', 'postgres//nope', /^Invalid configuration: DATABASE_URL must be a URL address\n$/],
    ['APP_ROLE', 'web', /^Invalid configuration: APP_ROLE must be one of the following values: api, worker, all\n$/],
  ])('a bad %s stops start-up with one readable line and a non-zero exit', async (name, value, message) => {
    const run = startChildApp({ ...testEnv(), [name]: value });
    expect(await run.exited).toBe(1);
    expect(run.output.stderr).toMatch(message);
  });

  it('starts, prints where it listens, keeps secrets out of its logs, and exits 0 on SIGTERM', async () => {
    const adminKey = 'bootstrap-admin-key-for-the-startup-test-0123456789';
    const run = startChildApp({ ...testEnv({ LOG_LEVEL: 'info', ADMIN_API_KEY: adminKey }) });
    const base = await run.listening();
    expect(run.output.stdout).toContain(`OpenAPI: ${base}/docs`);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    const authorized = await fetch(`${base}/api/v1/api-keys`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(authorized.status).toBe(200);
    await waitFor(() => run.output.stdout.includes('/api/v1/api-keys'), 5_000); // the request was logged...
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output.stdout + run.output.stderr).not.toContain(adminKey); // ...without the key
  });
});
