import { DeadlineError } from 'src/common/deadline';
import { isDatabaseUnavailable } from 'src/database/db-errors';

// An outage (Postgres unreachable, or no answer in time) as opposed to a row Postgres refuses: only an outage
// defers callbacks to Redis or holds the inbox queue.
export function isOutage(error: unknown): boolean {
  return error instanceof DeadlineError || isDatabaseUnavailable(error);
}
