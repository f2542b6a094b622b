import { featureError } from 'src/common/app-error';

// Errors of conference rooms, their sessions and participants: the codes by kind (the kind sets the HTTP status).
export class ConferencesError extends featureError({
  not_found: ['conference_not_found', 'participant_not_found', 'session_not_found'],
  conflict: ['conference_ended', 'participant_left', 'participant_not_joined', 'conference_refuses', 'conference_id_taken'],
}) {}
