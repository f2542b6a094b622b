import { featureError } from 'src/common/app-error';

// Errors of the admin event stream: the codes by kind (the kind sets the HTTP status).
export class EventsError extends featureError({
  invalid: ['invalid_topics', 'invalid_last_event_id'],
  forbidden: ['topic_forbidden'],
  unavailable: ['too_many_stream_clients', 'event_stream_unavailable'],
}) {}
