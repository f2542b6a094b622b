import { AppError, AppErrorKind, FieldProblem } from 'src/common/app-error';

// Errors of the admin event stream; each code's kind sets its HTTP status.
export enum EventsErrorCode {
  InvalidTopics = 'invalid_topics',
  TopicForbidden = 'topic_forbidden',
  InvalidLastEventId = 'invalid_last_event_id',
  TooManyStreamClients = 'too_many_stream_clients',
  StreamUnavailable = 'event_stream_unavailable',
}

const KINDS: Readonly<Record<EventsErrorCode, AppErrorKind>> = {
  [EventsErrorCode.InvalidTopics]: 'invalid',
  [EventsErrorCode.TopicForbidden]: 'forbidden',
  [EventsErrorCode.InvalidLastEventId]: 'invalid',
  [EventsErrorCode.TooManyStreamClients]: 'unavailable',
  [EventsErrorCode.StreamUnavailable]: 'unavailable',
};

// (Where common/app-error has featureError, this is `featureError<EventsErrorCode>(KINDS)`.)
export class EventsError extends AppError {
  declare readonly code: EventsErrorCode;

  constructor(code: EventsErrorCode, message: string, details?: FieldProblem[]) {
    super(KINDS[code], message, details, code);
  }
}
