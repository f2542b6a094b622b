// SVAML as specified in voice-api-openapi.txt (components/schemas/svaml.*) and svaml-actions.md (connectStream,
// which the OpenAPI document does not list).

export type SvamlContext = 'ice' | 'ace' | 'pie' | 'patch';

export const MUSIC_ON_HOLD = ['ring', 'music1', 'music2', 'music3'] as const;
export type MusicOnHold = (typeof MUSIC_ON_HOLD)[number];

export interface CallHeader {
  key: string;
  value: string;
}

export interface SvamlDestination {
  type: string;
  endpoint: string;
}

export interface ConferenceDtmfOptions {
  mode?: 'ignore' | 'forward' | 'detect';
  maxDigits?: number;
  timeoutMills?: number;
}

export interface HangupAction {
  name: 'hangup';
}

export interface ContinueAction {
  name: 'continue';
}

export interface ConnectPstnAction {
  name: 'connectPstn';
  number?: string;
  locale?: string;
  maxDuration?: number;
  dialTimeout?: number;
  cli?: string;
  suppressCallbacks?: boolean;
  dtmf?: string;
  indications?: string;
  amd?: { enabled?: boolean; async?: boolean };
}

export interface ConnectMxpAction {
  name: 'connectMxp';
  destination?: SvamlDestination;
  callHeaders?: CallHeader[];
}

export interface ConnectConfAction {
  name: 'connectConf';
  conferenceId: string;
  conferenceDtmfOptions?: ConferenceDtmfOptions;
  moh?: MusicOnHold;
}

export interface ConnectSipAction {
  name: 'connectSip';
  destination: { type?: string; endpoint: string };
  maxDuration?: number;
  cli?: string;
  transport?: 'UDP' | 'TCP' | 'TLS' | 'udp' | 'tcp' | 'tls';
  suppressCallbacks?: boolean;
  callHeaders?: CallHeader[];
  moh?: MusicOnHold;
}

export interface ConnectStreamAction {
  name: 'connectStream';
  destination: { type: string; endpoint: string };
  streamingOptions?: { version?: number; sampleRate?: number };
  maxDuration?: number;
  callHeaders?: CallHeader[];
}

// `menu(x)` jumps to menu x; `return` / `return(x)` ends the menu with a PIE carrying x.
export type MenuOptionAction = `menu(${string})` | 'return' | `return(${string})`;

export interface SvamlMenuOption {
  dtmf: string;
  action: MenuOptionAction;
}

export interface SvamlMenu {
  id: string;
  mainPrompt?: string;
  repeatPrompt?: string;
  repeats?: number;
  maxDigits?: number;
  timeoutMills?: number;
  maxTimeoutMills?: number;
  options?: SvamlMenuOption[];
}

export interface RunMenuAction {
  name: 'runMenu';
  barge?: boolean;
  locale?: string;
  mainMenu?: string;
  enableVoice?: boolean;
  menus: SvamlMenu[];
}

export interface ParkAction {
  name: 'park';
  locale?: string;
  introPrompt?: string;
  holdPrompt?: string;
  maxDuration?: number;
}

export type SvamlAction =
  | HangupAction
  | ContinueAction
  | ConnectPstnAction
  | ConnectMxpAction
  | ConnectConfAction
  | ConnectSipAction
  | ConnectStreamAction
  | RunMenuAction
  | ParkAction;

export type SvamlActionName = SvamlAction['name'];

export interface PlayFilesInstruction {
  name: 'playFiles';
  ids: string[];
  locale?: string;
}

export interface SayInstruction {
  name: 'say';
  text: string;
  locale?: string;
}

export interface SendDtmfInstruction {
  name: 'sendDtmf';
  value: string;
}

export interface SetCookieInstruction {
  name: 'setCookie';
  key: string;
  value: string;
}

export interface AnswerInstruction {
  name: 'answer';
}

// The OpenAPI schema names the target `destinationUrl` while its own example (and callback-api.md) use
// `destination`; both are typed so either spelling passes through.
export interface StartRecordingOptions {
  destinationUrl?: string;
  destination?: string;
  credentials?: string;
  format?: string;
  notificationEvents?: boolean;
  transcriptionOptions?: { enabled?: boolean; locale?: string };
}

export interface StartRecordingInstruction {
  name: 'startRecording';
  options?: StartRecordingOptions;
}

export interface StopRecordingInstruction {
  name: 'stopRecording';
}

export type SvamlInstruction =
  PlayFilesInstruction | SayInstruction | SendDtmfInstruction | SetCookieInstruction | AnswerInstruction | StartRecordingInstruction | StopRecordingInstruction;

export type SvamlInstructionName = SvamlInstruction['name'];

export interface Svaml {
  instructions?: SvamlInstruction[];
  action?: SvamlAction;
}
