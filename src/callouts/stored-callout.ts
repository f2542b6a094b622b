import type { CallCustomExtra } from 'src/calls/call-custom';
import type { ConferenceCalloutRequest, CustomCalloutRequest, TtsCalloutRequest } from 'src/sinch/voice-client.types';

// The Sinch request of each callout method, as stored: without `custom`, which carries the row's own id and is
// added when dialling.
export interface CalloutRequests {
  ttsCallout: Omit<TtsCalloutRequest, 'custom'>;
  conferenceCallout: Omit<ConferenceCalloutRequest, 'custom'>;
  customCallout: Omit<CustomCalloutRequest, 'custom'>;
}
export type CalloutMethod = keyof CalloutRequests;

// One typed union keyed by the client method, so the dialer sends it through a table, with no switch or cast.
export type SinchCallout<M extends CalloutMethod = CalloutMethod> = { [K in M]: { method: K; request: CalloutRequests[K] } }[M];

// calls.request of a callout: the Sinch request, plus the caller's data that goes into `custom` beside the row's
// id (known only once the row exists). Rows written before migration 1795480000000 had { sinch, customExtra }.
export type StoredCallout<M extends CalloutMethod = CalloutMethod> = SinchCallout<M> & { customExtra?: CallCustomExtra };

// Reserved `custom` key (callers' keys may not start with "_") marking a call to the service's own staff, which the
// dialer does not put through the consumer checks (do-not-call, frequency cap).
export const STAFF_KEY = '_staff';

export const CALL_KIND_OF: Readonly<Record<CalloutMethod, 'tts' | 'conference' | 'custom'>> = {
  ttsCallout: 'tts',
  conferenceCallout: 'conference',
  customCallout: 'custom',
};

export function toStoredCallout(callout: SinchCallout, customExtra?: CallCustomExtra): StoredCallout {
  return customExtra && Object.keys(customExtra).length > 0 ? { ...callout, customExtra } : { ...callout };
}

export function readStoredCallout(request: Record<string, unknown> | null): StoredCallout {
  const method = request?.method;
  if (typeof method !== 'string' || !(method in CALL_KIND_OF) || typeof request?.request !== 'object' || request.request === null) {
    throw new Error('call.request holds no callout to dial');
  }
  return request as unknown as StoredCallout;
}
