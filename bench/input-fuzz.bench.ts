import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const RUNS = process.env.FUZZ_RUNS ?? '5000';

// The input-policy fuzz (test/fuzz.e2e-spec.ts) run long: it needs the e2e harness (a database per run), so it runs
// under jest with FUZZ_RUNS × 4 malformed admin requests (spread over every operation, plus as many single-defect
// bodies per route with a body) and FUZZ_RUNS webhook bodies, on new seeds, instead of the few hundred `npm test`
// affords. The spec gives its long tests a timeout that grows with FUZZ_RUNS (jest's default 60 s would stop them).
export async function run(): Promise<void> {
  const started = Date.now();
  const jest = join(__dirname, '..', 'node_modules', '.bin', 'jest');
  const result = spawnSync(jest, ['--selectProjects', 'e2e', '--runInBand', 'test/fuzz.e2e-spec.ts'], {
    cwd: join(__dirname, '..'),
    env: { ...process.env, FUZZ_RUNS: RUNS },
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`the fuzz failed (exit ${result.status ?? result.signal})`);
  process.stdout.write(`fuzz: FUZZ_RUNS=${RUNS} passed in ${((Date.now() - started) / 1000).toFixed(0)} s (the spec printed its counts and base seed above)\n`);
  return Promise.resolve();
}
