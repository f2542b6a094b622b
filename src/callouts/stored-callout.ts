import type { CallCustomExtra } from 'src/calls/call-custom';
import type { SinchCalloutRequest } from './callout-request';

// The shape of calls.request for our callouts: the Sinch request minus `custom`, and the caller's data that goes
// into `custom` beside the row's id (known only once the row exists).
export interface StoredCallout {
  sinch: SinchCalloutRequest;
  customExtra?: CallCustomExtra;
}

export function toStoredCallout(sinch: SinchCalloutRequest, customExtra?: CallCustomExtra): Record<string, unknown> {
  const stored: StoredCallout = customExtra && Object.keys(customExtra).length > 0 ? { sinch, customExtra } : { sinch };
  return stored as unknown as Record<string, unknown>;
}

export function readStoredCallout(request: Record<string, unknown> | null): StoredCallout {
  const sinch = request?.sinch;
  if (typeof sinch !== 'object' || sinch === null) throw new Error('call.request holds no callout to dial');
  return request as unknown as StoredCallout;
}
