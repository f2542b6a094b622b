import { featureError } from 'src/common/app-error';

// Errors of the admin event stream; each code's kind sets its HTTP status.
export enum EventsErrorCode {
  InvalidTopics = 'invalid_topics',
  TopicForbidden = 'topic_forbidden',
  InvalidLastEventId = 'invalid_last_event_id',
  TooManyStreamClients = 'too_many_stream_clients',
  StreamUnavailable = 'event_stream_unavailable',
}

export class EventsError extends featureError<EventsErrorCode>({
  [EventsErrorCode.InvalidTopics]: 'invalid',
  [EventsErrorCode.TopicForbidden]: 'forbidden',
  [EventsErrorCode.InvalidLastEventId]: 'invalid',
  [EventsErrorCode.TooManyStreamClients]: 'unavailable',
  [EventsErrorCode.StreamUnavailable]: 'unavailable',
}) {}
