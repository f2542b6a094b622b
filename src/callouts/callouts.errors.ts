import { featureError } from 'src/common/app-error';

// Errors of callouts (placing calls): the codes by kind (the kind sets the HTTP status).
export class CalloutsError extends featureError({
  invalid: ['invalid_callout', 'invalid_call_request', 'caller_id_pools_unavailable'],
  conflict: ['budget_exhausted'],
}) {}
