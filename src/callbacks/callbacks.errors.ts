import { featureError } from 'src/common/app-error';

// Errors of Sinch callbacks; each code's kind sets its HTTP status.
export enum CallbacksErrorCode {
  SignatureRejected = 'callback_signature_rejected',
  InvalidCallback = 'invalid_callback',
  CallbackNotRecorded = 'callback_not_recorded',
}

export class CallbacksError extends featureError<CallbacksErrorCode>({
  [CallbacksErrorCode.SignatureRejected]: 'unauthorized',
  [CallbacksErrorCode.InvalidCallback]: 'invalid',
  [CallbacksErrorCode.CallbackNotRecorded]: 'unavailable',
}) {}
