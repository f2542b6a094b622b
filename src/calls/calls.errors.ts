import { featureError } from 'src/common/app-error';

// Errors of calls (the call log and live-call control); each code's kind sets its HTTP status.
export enum CallsErrorCode {
  CallNotFound = 'call_not_found',
  CallEnded = 'call_ended',
  CallNotAtSinch = 'call_not_at_sinch',
  InvalidCallAction = 'invalid_call_action',
  InvalidCallQuery = 'invalid_call_query',
  SinchCallNotFound = 'sinch_call_not_found',
  SinchRefused = 'sinch_refused',
}

export class CallsError extends featureError<CallsErrorCode>({
  [CallsErrorCode.CallNotFound]: 'not_found',
  [CallsErrorCode.CallEnded]: 'conflict',
  [CallsErrorCode.CallNotAtSinch]: 'conflict',
  [CallsErrorCode.InvalidCallAction]: 'invalid',
  [CallsErrorCode.InvalidCallQuery]: 'invalid',
  [CallsErrorCode.SinchCallNotFound]: 'not_found',
  [CallsErrorCode.SinchRefused]: 'upstream',
}) {}
