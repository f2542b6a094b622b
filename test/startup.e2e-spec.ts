import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { testEnv } from './test-app';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '..');

// Runs src/main.ts as a real process, the way `npm start` runs the compiled one.
function startMain(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'src/main.ts'],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

describe('start-up and shutdown (e2e)', () => {
  it.each([
    ['PORT', 'abc', /^Invalid configuration: PORT must be an integer number\n$/],
    ['DATABASE_URL', 'postgres//nope', /^Invalid configuration: DATABASE_URL must be a URL address\n$/],
    ['APP_ROLE', 'web', /^Invalid configuration: APP_ROLE must be one of the following values: api, worker, all\n$/],
  ])('a bad %s stops start-up with one readable line and a non-zero exit', async (name, value, message) => {
    const run = startMain({ ...testEnv(), [name]: value });
    expect(await run.exited).toBe(1);
    expect(run.output.stderr).toMatch(message);
  });

  it('starts, prints where it listens, keeps secrets out of its logs, and exits 0 on SIGTERM', async () => {
    const adminKey = 'bootstrap-admin-key-for-the-startup-test-0123456789';
    const run = startMain({ ...testEnv({ LOG_LEVEL: 'info', ADMIN_API_KEY: adminKey }) });
    await waitFor(() => /listening on (http:\/\/\S+)/.test(run.output.stdout), 30_000, () => run.output.stderr);
    const base = /listening on (http:\/\/\S+)/.exec(run.output.stdout)![1];
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
