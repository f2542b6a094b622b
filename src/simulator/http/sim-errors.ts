// Errors of the emulated Sinch REST API: the first three digits of errorCode are the HTTP status, and the
// body is shaped like the OpenAPI's error examples ({ status, errorCode, message, reference }).
export class SinchApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
    // Sinch puts the resource's id here on a not-found ("Call not found", reference = the call id).
    readonly reference?: string,
  ) {
    super(message);
  }
}

const STATUS_LABELS: Record<number, string> = {
  40001: 'ParameterValidation',
  40002: 'MissingParameter',
  40003: 'InvalidRequest',
  40005: 'NumberMissingLeadingPlus',
  40100: 'AuthorizationHeader',
  40101: 'TimestampHeader',
  40102: 'InvalidSignature',
  40400: 'ResourceNotFound',
  40900: 'RequestConflict',
  42900: 'CapacityExceeded',
  50000: 'InternalError',
  50300: 'TemporaryDown',
};

export function sinchErrorBody(error: SinchApiError, reference: string): Record<string, unknown> {
  const label = STATUS_LABELS[error.errorCode] ?? 'Error';
  return { status: `${error.statusCode} ${label}`, errorCode: error.errorCode, message: error.message, reference };
}

export function parameterError(message: string): SinchApiError {
  return new SinchApiError(400, 40001, message);
}

// The spec's finer 400 codes, where they apply: a required field left out, no request data at all, a number
// written without its leading plus.
export function missingParameterError(message: string): SinchApiError {
  return new SinchApiError(400, 40002, message);
}

export function invalidRequestError(message = 'Request data missing'): SinchApiError {
  return new SinchApiError(400, 40003, message);
}

export function missingPlusError(message: string): SinchApiError {
  return new SinchApiError(400, 40005, message);
}

export function notFoundError(message: string): SinchApiError {
  return new SinchApiError(404, 40400, message);
}

// Sinch's own wording for an unknown call, with the call id as the reference.
export function callNotFoundError(callId: string): SinchApiError {
  return new SinchApiError(404, 40400, 'Call not found', {}, callId);
}

export function conflictError(message: string): SinchApiError {
  return new SinchApiError(409, 40900, message);
}

// Used by injected faults: a status with the errorCode Sinch pairs with it.
export function faultError(statusCode: number, retryAfterS: number | undefined): SinchApiError {
  const messages: Record<number, [number, string]> = {
    429: [42900, 'The number of requests has exceeded capacity'],
    500: [50000, 'General error; try submitting request again'],
    503: [50300, 'Service temporarily unavailable'],
  };
  const [errorCode, message] = messages[statusCode] ?? [statusCode * 100, `Injected fault ${statusCode}`];
  const headers: Record<string, string> = {};
  if (retryAfterS !== undefined && (statusCode === 429 || statusCode === 503)) {
    headers['retry-after'] = String(retryAfterS);
  }
  return new SinchApiError(statusCode, errorCode, message, headers);
}

// Errors of the /_sim control API, which is ours: a plain { error, message, field? } body.
export class ControlError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export function controlInput(field: string, message: string): ControlError {
  return new ControlError(400, `${field}: ${message}`, field);
}
