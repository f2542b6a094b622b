import { featureError } from 'src/common/app-error';

// Errors of calls (the call log and live-call control): the codes by kind (the kind sets the HTTP status).
export class CallsError extends featureError({
  not_found: ['call_not_found', 'sinch_call_not_found'],
  conflict: ['call_ended', 'call_not_at_sinch'],
  invalid: ['invalid_call_action', 'invalid_call_query'],
  upstream: ['sinch_refused'],
}) {}
