import type { AppliedRate, RateEntry } from 'src/simulator/calls/billing';
import type { KnownDiceReason, KnownDiceResult } from 'src/sinch/callback-events';
import type { Svaml } from 'src/sinch/svaml/svaml.types';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  applicationKey: string;
  applicationSecret: string;
  callbackUrl?: string;
  timeScale?: number;
  seed?: number;
  currency?: string;
  rates?: RateEntry[];
  billingIncrementS?: number;
  ringTimeS?: number;
  talkTimeS?: number;
  noAnswerTimeoutS?: number;
  callbackTimeoutMs?: number;
  numbers?: string[];
  logger?: (line: object) => void;
  // Where s3:// recording destinations are uploaded (an S3-compatible server); without it they stay notional.
  recordingsS3Endpoint?: string;
}

export interface SinchSimulator {
  url: string;
  seed: number;
  close(): Promise<void>;
  setCallbackUrl(url: string | undefined): void;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  applicationKey: string;
  applicationSecret: string;
  timeScale: number;
  seed: number;
  currency: string;
  billingIncrementS: number;
  ringTimeS: number;
  talkTimeS: number;
  noAnswerTimeoutS: number;
  callbackTimeoutMs: number;
  numbers: string[];
  recordingsS3Endpoint?: string;
}

export type CallResult = KnownDiceResult;
// Besides Sinch's documented reasons, the simulator ends a call it cannot run with INVALIDSVAMLACTION.
export type CallReason = KnownDiceReason | 'INVALIDSVAMLACTION';

export type CallOrigin = 'ttsCallout' | 'conferenceCallout' | 'customCallout' | 'inbound';
export type CallPhase = 'initiated' | 'ringing' | 'answered' | 'ended';
export type CallbackEvent = 'ice' | 'ace' | 'pie';

// Where a call's ICE / ACE / PIE answer comes from: inline SVAML (custom callouts), a URL given in the callout,
// the application's callback URL, or nowhere (the enable* flag was off).
export type CallbackTarget = { kind: 'inline'; doc: Svaml } | { kind: 'url'; url: string } | { kind: 'app' } | { kind: 'none' };

export interface Endpoint {
  type: string;
  endpoint: string;
}

export interface AmdResult {
  status: 'machine' | 'human';
  reason: string;
  duration: number;
}

export interface RecordingInfo {
  index: number;
  startedAtSimMs: number;
  stoppedAtSimMs?: number;
  destination: string;
  notify: boolean;
  format: string;
  credentials?: string;
  transcription?: { locale: string };
  // Set once the file is written (false: nowhere real to write, or an upload fault).
  written?: boolean;
}

export interface CalloutDetails {
  text?: string;
  prompts?: string;
  conferenceId?: string;
  greeting?: string;
  mohClass?: string;
  dtmf?: string;
  maxDurationS?: number;
}

export interface SimCall {
  callId: string;
  origin: CallOrigin;
  cli: string;
  to: Endpoint;
  domain: 'pstn' | 'mxp';
  custom?: string;
  locale: string;
  details: CalloutDetails;
  callbacks: Record<CallbackEvent, CallbackTarget> & { dice: boolean };
  phase: CallPhase;
  result: CallResult;
  reason: CallReason;
  createdAt: Date;
  answeredAt?: Date;
  endedAt?: Date;
  answeredAtSimMs?: number;
  durationS?: number;
  billedNumber: string;
  rate: AppliedRate;
  debitMicro: bigint;
  talkTimeS: number;
  // An inbound caller's patience: simulated seconds of being parked (in total) before they hang up.
  patienceS?: number;
  parkedSimMs?: number;
  conferenceId?: string;
  connectedTo?: string;
  parked: boolean;
  inMenu?: string;
  amd?: AmdResult;
  cookies: Record<string, string>;
  recordings: RecordingInfo[];
  history: { at: string; simS: number; what: string }[];
}
