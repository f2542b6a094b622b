import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startNodeArgs } from './bench-kit';

// npm run bench [-- name-filter]: runs every bench/*.bench.ts in turn; each prints its own figures.
interface BenchModule {
  run(): Promise<void>;
}

// Most benches run the service in this process: it runs with the node options of `npm start` (the Dockerfile's),
// so the heap settings production uses are the ones measured. BENCH_NODE_FLAGS replaces them for an experiment
// (BENCH_NODE_FLAGS= for none).
function nodeFlags(): string[] {
  const override = process.env.BENCH_NODE_FLAGS;
  return override === undefined ? startNodeArgs() : override.split(/\s+/).filter(Boolean);
}

function rerunWithNodeFlags(flags: string[]): number | undefined {
  if (process.env.BENCH_NODE_FLAGS_APPLIED === '1') return undefined;
  process.stdout.write(`node flags of the bench process (the service's): ${flags.join(' ') || '(none)'}\n`);
  const child = spawnSync(process.execPath, [...flags, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_NODE_FLAGS_APPLIED: '1' },
  });
  return child.status ?? 1;
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
    .sort();
  for (const file of files) {
    process.stdout.write(`\n=== ${file} ===\n`);
    const mod = (await import(join(__dirname, file))) as BenchModule;
    await mod.run();
  }
}

const rerun = rerunWithNodeFlags(nodeFlags());
if (rerun !== undefined) {
  process.exit(rerun);
} else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
