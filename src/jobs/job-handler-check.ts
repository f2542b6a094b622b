import { ConfigError } from 'src/config/load-config';
import type { JobQueueDeclaration } from 'src/jobs/job-declaration';

export interface RegisteredQueue {
  name: string;
  declaration: JobQueueDeclaration<Record<string, object>> | undefined;
}

export interface FoundProcessor {
  className: string;
  queue: string;
  handles: readonly string[] | undefined;
}

// Compares the declared jobs of every queue this app registered with the job names its processors handle.
// Returns one line naming what is missing, or null when every declared job has a handler.
export function findUnhandledJobs(queues: RegisteredQueue[], processors: FoundProcessor[]): string | null {
  const problems: string[] = [];
  for (const processor of processors) {
    if (!processor.handles) problems.push(`processor ${processor.className} (queue "${processor.queue}") declares no jobHandlers`);
  }
  for (const { name, declaration } of queues) {
    if (!declaration) {
      problems.push(`queue "${name}" is registered but has no job declaration (declareJobs in a *.jobs.ts)`);
      continue;
    }
    const handled = new Set(processors.filter((p) => p.queue === name).flatMap((p) => p.handles ?? []));
    const missing = declaration.jobNames.filter((job) => !handled.has(job));
    if (missing.length > 0) problems.push(`queue "${name}": no handler for job ${missing.map((j) => `"${j}"`).join(', ')}`);
  }
  return problems.length > 0 ? `Job handlers missing: ${problems.join('; ')}` : null;
}

// A ConfigError, so start-up stops with this one line (like a bad environment variable) rather than a stack.
export class MissingJobHandlerError extends ConfigError {}
