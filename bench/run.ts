import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// npm run bench [-- name-filter]: runs every bench/*.bench.ts in turn; each prints its own figures.
interface BenchModule {
  run(): Promise<void>;
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

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
