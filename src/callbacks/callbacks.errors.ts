import { featureError } from 'src/common/app-error';

// Errors of Sinch callbacks: the codes by kind (the kind sets the HTTP status).
export class CallbacksError extends featureError({
  unauthorized: ['callback_signature_rejected'],
  invalid: ['invalid_callback'],
  unavailable: ['callback_not_recorded'],
}) {}
