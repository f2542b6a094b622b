import type {
  AnswerInstruction,
  ConnectConfAction,
  ConnectMxpAction,
  ConnectPstnAction,
  ConnectSipAction,
  ConnectStreamAction,
  ContinueAction,
  HangupAction,
  ParkAction,
  PlayFilesInstruction,
  RunMenuAction,
  SayInstruction,
  SendDtmfInstruction,
  SetCookieInstruction,
  StartRecordingInstruction,
  StartRecordingOptions,
  StopRecordingInstruction,
  Svaml,
  SvamlAction,
  SvamlDestination,
  SvamlInstruction,
  SvamlMenu,
} from 'src/sinch/svaml/svaml.types';

type Options<T, K extends keyof T = never> = Omit<T, 'name' | K>;

// Builders only shape documents; limits are checked by validateSvaml / assertValidSvaml.
export const svaml = {
  hangup: (): HangupAction => ({ name: 'hangup' }),

  continue: (): ContinueAction => ({ name: 'continue' }),

  connectPstn: (number: string, opts: Options<ConnectPstnAction, 'number'> = {}): ConnectPstnAction => ({
    name: 'connectPstn',
    number,
    ...opts,
  }),

  connectMxp: (destination: SvamlDestination, opts: Options<ConnectMxpAction, 'destination'> = {}): ConnectMxpAction => ({
    name: 'connectMxp',
    destination,
    ...opts,
  }),

  connectConf: (conferenceId: string, opts: Options<ConnectConfAction, 'conferenceId'> = {}): ConnectConfAction => ({
    name: 'connectConf',
    conferenceId,
    ...opts,
  }),

  connectSip: (sipEndpoint: string, opts: Options<ConnectSipAction, 'destination'> = {}): ConnectSipAction => ({
    name: 'connectSip',
    destination: { type: 'Sip', endpoint: sipEndpoint },
    ...opts,
  }),

  connectStream: (websocketUrl: string, opts: Options<ConnectStreamAction, 'destination'> = {}): ConnectStreamAction => ({
    name: 'connectStream',
    destination: { type: 'Websocket', endpoint: websocketUrl },
    ...opts,
  }),

  runMenu: (menus: SvamlMenu[], opts: Options<RunMenuAction, 'menus'> = {}): RunMenuAction => ({
    name: 'runMenu',
    ...opts,
    menus,
  }),

  park: (opts: Options<ParkAction> = {}): ParkAction => ({ name: 'park', ...opts }),

  say: (text: string, locale?: string): SayInstruction => (locale === undefined ? { name: 'say', text } : { name: 'say', text, locale }),

  playFiles: (ids: string[], locale?: string): PlayFilesInstruction => (locale === undefined ? { name: 'playFiles', ids } : { name: 'playFiles', ids, locale }),

  sendDtmf: (digits: string): SendDtmfInstruction => ({ name: 'sendDtmf', value: digits }),

  setCookie: (key: string, value: string): SetCookieInstruction => ({ name: 'setCookie', key, value }),

  answer: (): AnswerInstruction => ({ name: 'answer' }),

  startRecording: (options?: StartRecordingOptions): StartRecordingInstruction =>
    options === undefined ? { name: 'startRecording' } : { name: 'startRecording', options },

  stopRecording: (): StopRecordingInstruction => ({ name: 'stopRecording' }),
};

export function buildSvaml(action?: SvamlAction, ...instructions: SvamlInstruction[]): Svaml {
  const doc: Svaml = {};
  if (instructions.length > 0) doc.instructions = instructions;
  if (action !== undefined) doc.action = action;
  return doc;
}
