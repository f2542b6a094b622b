import { featureError } from 'src/common/app-error';

// Errors of recordings, their media, holds and policies: the codes by kind (the kind sets the HTTP status).
export class RecordingsError extends featureError({
  not_found: ['recording_not_found', 'call_not_found', 'erased', 'media_gone', 'no_recordings', 'recording_policy_not_found', 'policy_target_not_found'],
  conflict: [
    'already_erased',
    'legal_hold',
    'recording_not_delivered',
    'recording_changed',
    'not_available',
    'already_recording',
    'not_recording',
    'call_ended',
    'call_not_live',
  ],
  invalid: ['invalid_recording_location'],
  upstream: ['sinch_refused'],
  unavailable: ['recordings_storage_unavailable'],
}) {}
