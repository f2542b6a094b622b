export type SinchErrorKind = 'network' | 'timeout' | 'http';

export interface SinchApiErrorInit {
  kind: SinchErrorKind;
  message: string;
  retryable: boolean;
  status?: number;
  errorCode?: number;
  reference?: string;
  retryAfterMs?: number;
  body?: unknown;
  cause?: unknown;
}

// Every failure of a Sinch REST call. `retryable` is about the transport: a timed-out callout may still have
// placed the call, so callers of non-idempotent operations reconcile before retrying.
export class SinchApiError extends Error {
  readonly kind: SinchErrorKind;
  readonly retryable: boolean;
  readonly status?: number;
  readonly errorCode?: number;
  readonly reference?: string;
  readonly retryAfterMs?: number;
  readonly body?: unknown;

  constructor(init: SinchApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'SinchApiError';
    this.kind = init.kind;
    this.retryable = init.retryable;
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.reference = init.reference;
    this.retryAfterMs = init.retryAfterMs;
    this.body = init.body;
  }
}

// Retry-After is either delta-seconds or an HTTP-date (RFC 9110 10.2.3); a date in the past means "now".
export function parseRetryAfter(value: string | string[] | null | undefined, now = Date.now()): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  if (!/[a-z]/i.test(raw)) return undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function errorFields(body: unknown): { errorCode?: number; reference?: string; message?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as Record<string, unknown>;
  // The OpenAPI Error schema types errorCode as a string ("40400"), its examples and Sinch send a number.
  const code = typeof b.errorCode === 'string' && /^\d+$/.test(b.errorCode) ? Number(b.errorCode) : b.errorCode;
  return {
    errorCode: typeof code === 'number' && Number.isInteger(code) ? code : undefined,
    reference: typeof b.reference === 'string' ? b.reference : undefined,
    message: typeof b.message === 'string' ? b.message : undefined,
  };
}

export function classifyHttpError(status: number, body: unknown, retryAfterHeader?: string | string[] | null, now = Date.now()): SinchApiError {
  const { errorCode, reference, message } = errorFields(body);
  const retryable = status === 429 || status >= 500;
  const detail = message ?? (typeof body === 'string' && body.length > 0 ? body.slice(0, 200) : undefined);
  return new SinchApiError({
    kind: 'http',
    status,
    errorCode,
    reference,
    retryable,
    // Only meaningful where a retry is allowed; Sinch may send it with 429 and 503.
    retryAfterMs: retryable ? parseRetryAfter(retryAfterHeader, now) : undefined,
    body,
    message: `Sinch answered HTTP ${status}${errorCode ? ` (${errorCode})` : ''}${detail ? `: ${detail}` : ''}`,
  });
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return codeOf((err as { cause?: unknown }).cause);
}

// Turns a thrown transport error (undici, socket, AbortSignal.timeout) into a retryable SinchApiError.
export function classifyTransportError(err: unknown, timedOut: boolean, what: string): SinchApiError {
  const code = codeOf(err);
  // Duck-typed: DOMException (AbortSignal.timeout) and errors from another realm fail `instanceof Error`.
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  const isTimeout = timedOut || name === 'TimeoutError' || (code !== undefined && TIMEOUT_CODES.has(code));
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  const reason = typeof message === 'string' ? message : String(err);
  return new SinchApiError({
    kind: isTimeout ? 'timeout' : 'network',
    retryable: true,
    cause: err,
    message: isTimeout ? `${what} timed out` : `${what} failed: ${code ? `${code} ` : ''}${reason}`,
  });
}
