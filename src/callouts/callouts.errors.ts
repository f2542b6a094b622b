import { featureError } from 'src/common/app-error';

// Errors of callouts (placing calls); each code's kind sets its HTTP status.
export enum CalloutsErrorCode {
  InvalidCallout = 'invalid_callout',
  InvalidCallRequest = 'invalid_call_request',
  CallerIdPoolsUnavailable = 'caller_id_pools_unavailable',
  BudgetExhausted = 'budget_exhausted',
}

export class CalloutsError extends featureError<CalloutsErrorCode>({
  [CalloutsErrorCode.InvalidCallout]: 'invalid',
  [CalloutsErrorCode.InvalidCallRequest]: 'invalid',
  [CalloutsErrorCode.CallerIdPoolsUnavailable]: 'invalid',
  [CalloutsErrorCode.BudgetExhausted]: 'conflict',
}) {}
