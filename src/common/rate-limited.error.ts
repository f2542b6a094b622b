import { AppError } from './app-error';

// A 429 that says when to come back: the exception filter sends `Retry-After` from it.
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super('rate_limited', message);
  }
}
