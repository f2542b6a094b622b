import { featureError } from 'src/common/app-error';

// Errors of numbers, routes and caller-id pools: the codes by kind (the kind sets the HTTP status).
export class NumbersError extends featureError({
  not_found: ['number_not_found', 'pool_not_found', 'sinch_not_found'],
  invalid: ['invalid_route', 'invalid_pool', 'sinch_rejected'],
  conflict: ['number_released'],
  upstream: ['sinch_failed'],
}) {}
