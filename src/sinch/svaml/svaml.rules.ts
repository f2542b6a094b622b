import type { SvamlActionName, SvamlContext } from 'src/sinch/svaml/svaml.types';

export interface SvamlViolation {
  path: string;
  rule: string;
  message: string;
}

// Limits stated by the spec (README.md "Limits the spec states"); Sinch rejects or silently truncates past them.
export const SVAML_LIMITS = {
  ttsChars: 600,
  conferenceIdChars: 64,
  parkMaxDurationSeconds: 600,
  connectMaxDurationSeconds: 14400,
  cookieBytes: 1024,
  customBytes: 1024,
  callHeaderBytes: 1024,
} as const;

// Which actions each callback response / ManageCall accepts:
// - ice: svaml-actions.md, every action "available to use in a response to an Incoming Call Event".
// - ace: svaml-actions.md (hangup, continue, runMenu) plus connectConf, which the OpenAPI
//   conferenceCalloutRequest.enableAce says the ACE answer "must" contain for conference callouts.
// - pie: svaml-actions.md (hangup, continue, connectPstn, connectConf, connectSip, park) plus runMenu, which the
//   official SDK's PieSvamlAction allows and an IVR needs to re-prompt after a wrong PIN.
// - patch: the SDK's ManagedCallSvamlAction (hangup, continue, park; the OpenAPI updateCall examples are hangup and
//   park) plus runMenu, which callback-api.md says "can also be used in combination with the ManageCall API", plus
//   connectConf: the OpenAPI updateCall body is SVAMLRequestBody, whose action is any svaml.action, and
//   callback-api.md says a parked call is unparked with ManageCall; a queue unparks its caller into the agent's
//   room this way (docs/queues.md). The actions that place a new leg stay refused.
export const ACTIONS_BY_CONTEXT: Readonly<Record<SvamlContext, ReadonlySet<SvamlActionName>>> = {
  ice: new Set(['hangup', 'connectPstn', 'connectMxp', 'connectConf', 'connectSip', 'connectStream', 'runMenu', 'park']),
  ace: new Set(['hangup', 'continue', 'connectConf', 'runMenu']),
  pie: new Set(['hangup', 'continue', 'connectPstn', 'connectConf', 'connectSip', 'park', 'runMenu']),
  patch: new Set(['hangup', 'continue', 'park', 'runMenu', 'connectConf']),
};

export const INDICATIONS: readonly string[] = [
  'at',
  'au',
  'bg',
  'br',
  'be',
  'ch',
  'cl',
  'cn',
  'cz',
  'de',
  'dk',
  'ee',
  'es',
  'fi',
  'fr',
  'gr',
  'hu',
  'il',
  'in',
  'it',
  'lt',
  'jp',
  'mx',
  'my',
  'nl',
  'no',
  'nz',
  'ph',
  'pl',
  'pt',
  'ru',
  'se',
  'sg',
  'th',
  'uk',
  'us',
  'tw',
  've',
  'za',
];

export type Out = SvamlViolation[];

export function push(out: Out, path: string, rule: string, message: string): void {
  out.push({ path, rule, message });
}

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
