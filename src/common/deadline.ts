// One promise deadline for every call that may wait on a dependency (Redis and BullMQ wait for a lost connection
// forever; a hung Postgres socket too). The work itself is not cancelled: it may still complete later.
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineError(`${what}: no answer within ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
