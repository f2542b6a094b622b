import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import type { Svaml } from 'src/sinch/svaml/svaml.types';

// What a parked caller hears, as SVAML. Pure: the queue's settings and the caller's place are passed in.

export interface ParkPrompts {
  greeting: string | null;
  holdPrompt: string;
  locale: string | null;
}

const tts = (text: string): string => `#tts[${text.replace(/\[/g, '(').replace(/\]/g, ')')}]`;

// A URL plays as media; anything else is read out.
export function promptOf(text: string): string {
  return /^https?:\/\//i.test(text) ? text : tts(text);
}

export function announcement(position: number, expectedWaitS?: number): string {
  const place = position === 1 ? 'You are next in line.' : `You are number ${position} in line.`;
  if (expectedWaitS === undefined) return place;
  const minutes = Math.max(1, Math.round(expectedWaitS / 60));
  return `${place} The expected wait is about ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

// The first park (ICE answer) plays the greeting; a re-park plays the announcement, if any, then holds again.
export function parkSvaml(queue: ParkPrompts, maxDurationS: number, intro?: string): Svaml {
  const introText = intro ?? queue.greeting;
  return buildSvaml(
    svaml.park({
      ...(introText ? { introPrompt: tts(introText) } : {}),
      holdPrompt: promptOf(queue.holdPrompt),
      maxDuration: maxDurationS,
      ...(queue.locale ? { locale: queue.locale } : {}),
    }),
  );
}

export function messageAndHangup(text: string, locale: string | null): Svaml {
  return buildSvaml(svaml.hangup(), svaml.say(text, locale ?? undefined));
}

// A voicemail: the prompt, then the caller is recorded while parked in silence until they hang up or maxSeconds pass
// (Sinch ends a park at its maxDuration). The recording's storage options are filled in on the way to Sinch.
export function voicemailSvaml(prompt: string, maxSeconds: number, locale: string | null): Svaml {
  return buildSvaml(svaml.park({ maxDuration: maxSeconds, ...(locale ? { locale } : {}) }), svaml.say(prompt, locale ?? undefined), svaml.startRecording());
}
