import type { RecordingDefaults } from 'src/sinch/svaml/recording-defaults';
import type { CallbackDestination } from 'src/sinch/callback-events';
import type { Money } from 'src/sinch/sinch-money';
import type { ConferenceDtmfOptions, MusicOnHold, Svaml } from 'src/sinch/svaml/svaml.types';

// Request and response shapes of the Voice REST API (voice-api-openapi.txt `paths` and `components/schemas`),
// in our spelling: camelCase everywhere (the wire's `applicationkey` and `callid` are mapped at the edge) and money
// as exact decimal strings.

export type SinchAuthMode = 'signed' | 'basic';

export interface SinchClientOptions {
  voiceUrl: string;
  managementUrl: string;
  applicationKey: string;
  applicationSecret: string;
  timeoutMs: number;
  auth?: SinchAuthMode;
  // Filled into every startRecording that names no destination (see recording-defaults.ts).
  recording?: RecordingDefaults;
}

export interface CalloutDestination {
  type: 'number' | 'username' | 'sip' | 'Number' | 'Username' | 'Sip';
  endpoint: string;
}

export interface TtsCalloutRequest {
  destination: CalloutDestination;
  cli?: string;
  dtmf?: string;
  domain?: 'pstn' | 'mxp';
  custom?: string;
  locale?: string;
  text?: string;
  prompts?: string;
  enableAce?: boolean;
  enableDice?: boolean;
  enablePie?: boolean;
}

export interface ConferenceCalloutRequest {
  destination: CalloutDestination;
  conferenceId: string;
  cli?: string;
  conferenceDtmfOptions?: ConferenceDtmfOptions;
  dtmf?: string;
  maxDuration?: number;
  enableAce?: boolean;
  enableDice?: boolean;
  enablePie?: boolean;
  locale?: string;
  greeting?: string;
  mohClass?: MusicOnHold;
  custom?: string;
  domain?: 'pstn' | 'mxp';
}

// ice / ace / pie: an inline SVAML document (validated, then sent as a JSON string as the spec requires) or the
// URL of a callback that answers with SVAML.
export interface CustomCalloutRequest {
  cli?: string;
  destination?: CalloutDestination;
  dtmf?: string;
  custom?: string;
  maxDuration?: number;
  ice?: Svaml | string;
  ace?: Svaml | string;
  pie?: Svaml | string;
}

export interface CalloutResponse {
  callId: string;
}

export type CallStatus = 'ONGOING' | 'FINAL' | (string & {});

export interface CallInformation {
  callId?: string;
  from?: CallbackDestination;
  to?: CallbackDestination;
  domain?: string;
  duration?: number;
  status?: CallStatus;
  result?: string;
  reason?: string;
  timestamp?: Date;
  custom?: string;
  userRate?: Money;
  debit?: Money;
  raw: Record<string, unknown>;
}

export type CallLeg = 'caller' | 'callee' | 'both';

export interface ConferenceParticipant {
  cli?: string;
  id: string;
  duration?: number;
  muted?: boolean;
  onhold?: boolean;
}

export interface ConferenceInfo {
  participants: ConferenceParticipant[];
}

export type ConferenceCommand = 'mute' | 'unmute' | 'onhold' | 'resume';

export interface ManageParticipantRequest {
  command: ConferenceCommand;
  // Only with `onhold` (manageConferenceParticipantRequest.moh).
  moh?: MusicOnHold;
}

export type NumberCapability = 'voice' | 'sms';

export interface NumberInformation {
  number: string;
  applicationKey?: string;
  capability?: string;
}

export interface AssignNumbersRequest {
  numbers: string[];
  // Empty: the application that signs the request.
  applicationKey?: string;
  capability?: NumberCapability;
}

export interface UnassignNumberRequest {
  number: string;
  applicationKey?: string;
  capability?: NumberCapability;
}

export interface CallbackUrls {
  primary?: string;
  fallback?: string;
}

export interface NumberQueryResult {
  countryId?: string;
  numberType?: 'Unknown' | 'Fixed' | 'Mobile' | 'Other' | (string & {});
  normalizedNumber?: string;
  restricted?: boolean;
  rate?: Money;
}
