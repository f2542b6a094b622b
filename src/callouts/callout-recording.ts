import type { CallCustomExtra } from 'src/calls/call-custom';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import type { ConferenceDtmfOptions, MusicOnHold, Svaml } from 'src/sinch/svaml/svaml.types';

// A tts or conference callout request has no recording option: recording starts with a startRecording instruction
// in the answer to its ACE. ACE answers come from memory (no query while Sinch waits), so what the answer needs
// travels in our `custom`, under a key callers cannot use (theirs may not start with "_").
export const RECORDING_KEY = '_rec';

interface ConferenceMarker {
  c: string;
  m?: MusicOnHold;
  d?: ConferenceDtmfOptions;
}

export function ttsRecordingMarker(): string {
  return 'tts';
}

export function conferenceRecordingMarker(conferenceId: string, moh?: MusicOnHold, dtmfOptions?: ConferenceDtmfOptions): string {
  const marker: ConferenceMarker = { c: conferenceId };
  if (moh) marker.m = moh;
  if (dtmfOptions && Object.keys(dtmfOptions).length > 0) marker.d = dtmfOptions;
  return JSON.stringify(marker);
}

// The ACE answer for a recorded callout, or undefined when the call is not one.
export function recordingAceAnswer(extra: CallCustomExtra | undefined): Svaml | undefined {
  const marker = extra?.[RECORDING_KEY];
  if (typeof marker !== 'string') return undefined;
  const record = svaml.startRecording({ notificationEvents: true });
  if (marker === 'tts') return buildSvaml(svaml.continue(), record);
  let parsed: ConferenceMarker;
  try {
    parsed = JSON.parse(marker) as ConferenceMarker;
  } catch {
    return undefined;
  }
  if (typeof parsed?.c !== 'string') return undefined;
  // The OpenAPI conferenceCallout.enableAce: the ACE answer must connect the conference.
  const options = { ...(parsed.m ? { moh: parsed.m } : {}), ...(parsed.d ? { conferenceDtmfOptions: parsed.d } : {}) };
  return buildSvaml(svaml.connectConf(parsed.c, options), record);
}
