import { featureError } from 'src/common/app-error';

// Errors of numbers, routes and caller-id pools; each code's kind sets its HTTP status.
export enum NumbersErrorCode {
  NumberNotFound = 'number_not_found',
  InvalidRoute = 'invalid_route',
  NumberReleased = 'number_released',
  InvalidPool = 'invalid_pool',
  PoolNotFound = 'pool_not_found',
  SinchRejected = 'sinch_rejected',
  SinchNotFound = 'sinch_not_found',
  SinchFailed = 'sinch_failed',
}

export class NumbersError extends featureError<NumbersErrorCode>({
  [NumbersErrorCode.NumberNotFound]: 'not_found',
  [NumbersErrorCode.InvalidRoute]: 'invalid',
  [NumbersErrorCode.NumberReleased]: 'conflict',
  [NumbersErrorCode.InvalidPool]: 'invalid',
  [NumbersErrorCode.PoolNotFound]: 'not_found',
  [NumbersErrorCode.SinchRejected]: 'invalid',
  [NumbersErrorCode.SinchNotFound]: 'not_found',
  [NumbersErrorCode.SinchFailed]: 'upstream',
}) {}
