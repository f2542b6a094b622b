import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '..');

export interface ChildApp {
  child: ChildProcessByStdio<null, Readable, Readable>;
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
  // Resolves with the base URL once the process prints that it listens.
  listening(timeoutMs?: number): Promise<string>;
}

// Runs src/main.ts as its own process (the way `npm start` runs the compiled one), with exactly the given env:
// for tests that kill a process, or run a role this process does not.
export function startChildApp(env: Record<string, string>): ChildApp {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = async (timeoutMs = 30_000): Promise<string> => {
    const match = await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output.stderr}`);
        return /listening on (http:\/\/\S+)/.exec(output.stdout) ?? undefined;
      },
      timeoutMs,
      () => output.stderr,
    );
    return (match as RegExpExecArray)[1];
  };
  return { child, output, exited, listening };
}
