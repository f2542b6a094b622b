import { createSimulator } from 'src/simulator/simulator';
import { SimulatorConfigError, loadSimulatorConfigFromProcessEnv } from 'src/simulator/simulator.config';

// Standalone entry: `npm run simulator`.
async function main(): Promise<void> {
  let config;
  try {
    config = loadSimulatorConfigFromProcessEnv();
  } catch (error) {
    process.stderr.write(`${error instanceof SimulatorConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const { logEvents, ...options } = config;
  const simulator = await createSimulator({
    ...options,
    logger: logEvents ? (line) => process.stdout.write(`${JSON.stringify(line)}\n`) : undefined,
  });
  process.stdout.write(
    `Sinch simulator listening on ${simulator.url} (applicationKey ${options.applicationKey}, timeScale ${options.timeScale}, ` +
      `seed ${simulator.seed}, callbacks ${options.callbackUrl ?? 'not configured'})\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Simulator failed to close on ${signal}: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Simulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
