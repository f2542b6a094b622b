import { SinchApiError } from 'src/sinch/sinch-errors';
import { SinchRequestValidationError } from 'src/sinch/voice-request.validator';
import { SvamlValidationError } from 'src/sinch/svaml/svaml.validator';

export interface DialError {
  errorCode: number | null;
  errorMessage: string;
}

// What a failed callout request proves about whether Sinch placed the call:
// - rate_limited: 429, refused before any work; retry later and slow the whole queue.
// - retryable: Sinch answered 5xx with its error body, or the connection was never made; safe to send again.
// - final: Sinch (or our own validation) rejected the request; retrying cannot help.
// - ambiguous: it may have been accepted (timeout, connection lost after sending, a 5xx that is not Sinch's own
//   answer such as a proxy's 502/504); dialling again could ring the callee twice, so we never do.
export type CalloutFailure =
  | { kind: 'rate_limited'; error: DialError; retryAfterMs?: number }
  | { kind: 'retryable'; error: DialError; retryAfterMs?: number }
  | { kind: 'final'; error: DialError }
  | { kind: 'ambiguous'; error: DialError };

// Errors raised before a byte reached Sinch: no socket was ever connected.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function codesOf(err: unknown, depth = 0): string[] {
  if (typeof err !== 'object' || err === null || depth > 5) return [];
  const { code, cause } = err as { code?: unknown; cause?: unknown };
  return [...(typeof code === 'string' ? [code] : []), ...codesOf(cause, depth + 1)];
}

const MESSAGE_MAX = 500;
const clip = (s: string): string => (s.length > MESSAGE_MAX ? `${s.slice(0, MESSAGE_MAX - 1)}…` : s);

export function classifyCalloutFailure(err: unknown): CalloutFailure {
  if (err instanceof SinchRequestValidationError || err instanceof SvamlValidationError) {
    return { kind: 'final', error: { errorCode: null, errorMessage: clip(err.message) } };
  }
  if (!(err instanceof SinchApiError)) {
    // A bug after the request left (mapping the answer, say) must not cause a second dial.
    const message = err instanceof Error ? err.message : String(err);
    return { kind: 'ambiguous', error: { errorCode: null, errorMessage: clip(`Unexpected error placing the callout: ${message}`) } };
  }
  const error: DialError = { errorCode: err.errorCode ?? null, errorMessage: clip(err.message) };
  if (err.kind === 'http' && err.status !== undefined) {
    if (err.status === 429) return { kind: 'rate_limited', error, retryAfterMs: err.retryAfterMs };
    if (err.status >= 500) {
      return err.errorCode !== undefined ? { kind: 'retryable', error, retryAfterMs: err.retryAfterMs } : { kind: 'ambiguous', error };
    }
    return { kind: 'final', error };
  }
  if (codesOf(err.cause).some((code) => NOT_SENT_CODES.has(code))) return { kind: 'retryable', error };
  return { kind: 'ambiguous', error };
}

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
}

// Exponential backoff with "equal jitter" (half fixed, half random) so retries of a burst spread out, never
// sooner than Sinch's Retry-After.
export function retryDelayMs(attempt: number, policy: RetryPolicy, retryAfterMs?: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exp / 2 + (random() * exp) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}
