import { SinchApiError } from 'src/sinch/sinch-errors';
import { SinchRequestValidationError } from 'src/sinch/voice-client';
import { NumbersError } from 'src/numbers/numbers.errors';

// Sinch's answer to a management request, as our API answers it: what the client got wrong (Sinch's 400 / 404)
// is a 4xx naming `field`; anything else (credentials Sinch refused, 5xx, network) is a 502 with Sinch's code.
export function sinchFailure(error: unknown, field: string, what: string): unknown {
  if (error instanceof SinchRequestValidationError) {
    return new NumbersError('sinch_rejected', `${what}: ${error.message}`, [{ field, rule: 'sinch', message: error.message }]);
  }
  if (!(error instanceof SinchApiError)) return error;
  const code = error.errorCode !== undefined ? ` (Sinch error ${error.errorCode})` : '';
  const message = `${what}: Sinch answered ${error.status ?? error.kind}${code}: ${error.message}`;
  if (error.status === 400) return new NumbersError('sinch_rejected', message, [{ field, rule: 'sinch', message }]);
  if (error.status === 404) return new NumbersError('sinch_not_found', message, [{ field, rule: 'sinch_not_found', message }]);
  return new NumbersError('sinch_failed', message);
}
