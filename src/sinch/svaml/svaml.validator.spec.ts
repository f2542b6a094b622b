import { SvamlValidationError, assertValidSvaml, canonicalActionName, validateSvaml } from 'src/sinch/svaml/svaml.validator';
import type { SvamlContext } from 'src/sinch/svaml/svaml.types';

const found = (doc: unknown, context: SvamlContext = 'ice'): string[] => validateSvaml(doc, context).map((v) => `${v.path} ${v.rule}`);

const action = (a: Record<string, unknown>) => ({ action: a });
const instruction = (i: Record<string, unknown>) => ({ instructions: [i] });
const x = (n: number, ch = 'a') => ch.repeat(n);

describe('validateSvaml: document shape', () => {
  it('accepts an empty document', () => {
    expect(found({})).toEqual([]);
  });

  it.each([[null], ['hangup'], [[]], [42]])('rejects a non-object document %p', (doc) => {
    expect(found(doc)).toEqual([' type']);
  });

  it('rejects non-array instructions and a non-object action', () => {
    expect(found({ instructions: {} })).toEqual(['instructions type']);
    expect(found({ action: 'hangup' })).toEqual(['action type']);
    expect(found({ instructions: ['say'] })).toEqual(['instructions[0] type']);
  });

  it('requires names', () => {
    expect(found({ action: {} })).toEqual(['action.name required']);
    expect(found(instruction({ text: 'hi' }))).toEqual(['instructions[0].name required']);
  });

  it('rejects unknown action and instruction names', () => {
    expect(found(action({ name: 'transfer' }))).toEqual(['action.name unknown_action']);
    expect(found(instruction({ name: 'whisper' }))).toEqual(['instructions[0].name unknown_instruction']);
  });

  it('matches names case-insensitively and canonicalises them', () => {
    const doc = { instructions: [{ name: 'Say', text: 'Hi' }], action: { name: 'connectPSTN', number: '+46701234567' } };
    expect(found(doc)).toEqual([]);
    expect(assertValidSvaml(doc, 'ice')).toEqual({
      instructions: [{ name: 'say', text: 'Hi' }],
      action: { name: 'connectPstn', number: '+46701234567' },
    });
    expect(doc.action.name).toBe('connectPSTN');
    expect(canonicalActionName('RUNMENU')).toBe('runMenu');
    expect(canonicalActionName('dial')).toBeUndefined();
  });

  it('returns the same object when names are already canonical', () => {
    const doc = { action: { name: 'hangup' } };
    expect(assertValidSvaml(doc, 'ace')).toBe(doc);
  });

  it('throws SvamlValidationError with every violation', () => {
    const doc = { instructions: [{ name: 'say', text: x(601) }], action: { name: 'park', maxDuration: 601 } };
    expect(() => assertValidSvaml(doc, 'ice')).toThrow(SvamlValidationError);
    try {
      assertValidSvaml(doc, 'ice');
    } catch (err) {
      const error = err as SvamlValidationError;
      expect(error.violations.map((v) => v.path)).toEqual(['instructions[0].text', 'action.maxDuration']);
      expect(error.message).toContain('action.maxDuration must be at most 600 for park');
      expect(error.context).toBe('ice');
    }
  });
});

describe('validateSvaml: context allowances', () => {
  const allowed: Record<SvamlContext, string[]> = {
    ice: ['hangup', 'connectPstn', 'connectMxp', 'connectConf', 'connectSip', 'connectStream', 'runMenu', 'park'],
    ace: ['hangup', 'continue', 'connectConf', 'runMenu'],
    pie: ['hangup', 'continue', 'connectPstn', 'connectConf', 'connectSip', 'park', 'runMenu'],
    patch: ['hangup', 'continue', 'park', 'runMenu', 'connectConf'],
  };
  const minimal: Record<string, Record<string, unknown>> = {
    hangup: { name: 'hangup' },
    continue: { name: 'continue' },
    connectPstn: { name: 'connectPstn', number: '+46701234567' },
    connectMxp: { name: 'connectMxp', destination: { type: 'username', endpoint: 'agent' } },
    connectConf: { name: 'connectConf', conferenceId: 'room' },
    connectSip: { name: 'connectSip', destination: { endpoint: 'a@sip.example.com' } },
    connectStream: { name: 'connectStream', destination: { type: 'Websocket', endpoint: 'wss://x' } },
    runMenu: { name: 'runMenu', menus: [{ id: 'main' }] },
    park: { name: 'park' },
  };
  const cases = (Object.keys(allowed) as SvamlContext[]).flatMap((ctx) =>
    Object.keys(minimal).map((name) => [ctx, name, allowed[ctx].includes(name)] as const),
  );

  it.each(cases)('%s: %s allowed=%p', (ctx, name, isAllowed) => {
    expect(found(action(minimal[name]), ctx)).toEqual(isAllowed ? [] : ['action.name not_allowed_in_context']);
  });

  it('names the allowed actions in the message', () => {
    const [v] = validateSvaml(action({ name: 'connectPstn', number: '+46701234567' }), 'patch');
    expect(v.message).toBe('action connectPstn is not allowed in a patch response (allowed: hangup, continue, park, runMenu, connectConf)');
  });
});

describe('validateSvaml: action rules', () => {
  it.each([
    ['park maxDuration', { name: 'park', maxDuration: 600 }, { name: 'park', maxDuration: 601 }, 'action.maxDuration max_value'],
    ['park negative maxDuration', { name: 'park', maxDuration: 0 }, { name: 'park', maxDuration: -1 }, 'action.maxDuration min_value'],
    ['park integer maxDuration', { name: 'park', maxDuration: 10 }, { name: 'park', maxDuration: 1.5 }, 'action.maxDuration type'],
    ['park introPrompt', { name: 'park', introPrompt: x(600) }, { name: 'park', introPrompt: x(601) }, 'action.introPrompt max_length'],
    ['park holdPrompt', { name: 'park', holdPrompt: x(600) }, { name: 'park', holdPrompt: x(601) }, 'action.holdPrompt max_length'],
    ['connectPstn maxDuration', { name: 'connectPstn', maxDuration: 14400 }, { name: 'connectPstn', maxDuration: 14401 }, 'action.maxDuration max_value'],
    ['connectPstn E.164', { name: 'connectPstn', number: '+12025550123' }, { name: 'connectPstn', number: '12025550123' }, 'action.number e164'],
    ['connectPstn dtmf', { name: 'connectPstn', dtmf: 'ww1234#w#' }, { name: 'connectPstn', dtmf: '12*4' }, 'action.dtmf dtmf_charset'],
    ['connectPstn indications', { name: 'connectPstn', indications: 'se' }, { name: 'connectPstn', indications: 'xx' }, 'action.indications enum'],
    ['connectPstn amd', { name: 'connectPstn', amd: { enabled: true } }, { name: 'connectPstn', amd: { enabled: 'true' } }, 'action.amd.enabled type'],
    [
      'connectPstn suppressCallbacks',
      { name: 'connectPstn', suppressCallbacks: false },
      { name: 'connectPstn', suppressCallbacks: 'no' },
      'action.suppressCallbacks type',
    ],
    [
      'connectSip maxDuration',
      { name: 'connectSip', destination: { endpoint: 'a@b' }, maxDuration: 14400 },
      { name: 'connectSip', destination: { endpoint: 'a@b' }, maxDuration: 14401 },
      'action.maxDuration max_value',
    ],
    ['connectSip destination', { name: 'connectSip', destination: { endpoint: 'a@b' } }, { name: 'connectSip' }, 'action.destination required'],
    [
      'connectSip endpoint',
      { name: 'connectSip', destination: { type: 'Sip', endpoint: 'a@b' } },
      { name: 'connectSip', destination: { type: 'Sip' } },
      'action.destination.endpoint required',
    ],
    [
      'connectSip transport',
      { name: 'connectSip', destination: { endpoint: 'a@b' }, transport: 'tls' },
      { name: 'connectSip', destination: { endpoint: 'a@b' }, transport: 'sctp' },
      'action.transport enum',
    ],
    [
      'connectSip moh',
      { name: 'connectSip', destination: { endpoint: 'a@b' }, moh: 'music3' },
      { name: 'connectSip', destination: { endpoint: 'a@b' }, moh: 'jazz' },
      'action.moh enum',
    ],
    [
      'connectStream maxDuration',
      { name: 'connectStream', destination: { type: 'Websocket', endpoint: 'wss://x' }, maxDuration: 14400 },
      { name: 'connectStream', destination: { type: 'Websocket', endpoint: 'wss://x' }, maxDuration: 14401 },
      'action.maxDuration max_value',
    ],
    [
      'connectStream destination',
      { name: 'connectStream', destination: { type: 'Websocket', endpoint: 'wss://x' } },
      { name: 'connectStream', destination: { type: 'Websocket' } },
      'action.destination.endpoint required',
    ],
    [
      'connectConf conferenceId max',
      { name: 'connectConf', conferenceId: x(64) },
      { name: 'connectConf', conferenceId: x(65) },
      'action.conferenceId max_length',
    ],
    ['connectConf conferenceId empty', { name: 'connectConf', conferenceId: 'a' }, { name: 'connectConf', conferenceId: '' }, 'action.conferenceId min_length'],
    ['connectConf conferenceId required', { name: 'connectConf', conferenceId: 'a' }, { name: 'connectConf' }, 'action.conferenceId required'],
    ['connectConf moh', { name: 'connectConf', conferenceId: 'a', moh: 'ring' }, { name: 'connectConf', conferenceId: 'a', moh: 'music4' }, 'action.moh enum'],
    [
      'connectConf dtmf mode',
      { name: 'connectConf', conferenceId: 'a', conferenceDtmfOptions: { mode: 'detect' } },
      { name: 'connectConf', conferenceId: 'a', conferenceDtmfOptions: { mode: 'shout' } },
      'action.conferenceDtmfOptions.mode enum',
    ],
    [
      'connectMxp callHeaders',
      { name: 'connectMxp', callHeaders: [{ key: 'k', value: x(1023) }] },
      { name: 'connectMxp', callHeaders: [{ key: 'k', value: x(1024) }] },
      'action.callHeaders[0] max_bytes',
    ],
    [
      'connectMxp callHeader value',
      { name: 'connectMxp', callHeaders: [{ key: 'k', value: '' }] },
      { name: 'connectMxp', callHeaders: [{ key: 'k' }] },
      'action.callHeaders[0].value required',
    ],
    ['custom bytes', { name: 'hangup', custom: x(512, 'é') }, { name: 'hangup', custom: x(513, 'é') }, 'action.custom max_bytes'],
  ])('%s', (_label, ok, bad, violation) => {
    expect(found(action(ok), 'ice')).toEqual([]);
    expect(found(action(bad), 'ice')).toEqual([violation]);
  });

  it('counts TTS length in characters, not UTF-16 units', () => {
    expect(found(action({ name: 'park', holdPrompt: x(600, '😀') }))).toEqual([]);
    expect(found(action({ name: 'park', holdPrompt: x(601, '😀') }))).toEqual(['action.holdPrompt max_length']);
  });

  it('accepts the OpenAPI connect examples', () => {
    expect(
      found(
        action({
          name: 'connectPstn',
          number: '+461234567890',
          locale: 'en-US',
          maxDuration: 3000,
          dialTimeout: 10,
          cli: '+460987654321',
          suppressCallbacks: false,
          indications: 'se',
          amd: { enabled: true },
        }),
      ),
    ).toEqual([]);
    expect(
      found(
        action({
          name: 'connectMxp',
          destination: { type: 'username', endpoint: 'johndoe' },
          callHeaders: [
            { key: 'foo', value: 'bar' },
            { key: 'baz', value: 'qux' },
          ],
        }),
      ),
    ).toEqual([]);
    expect(
      found(
        action({
          name: 'connectSip',
          destination: { endpoint: '46708000000@sip.foo.com', type: 'Sip' },
          maxDuration: 3000,
          cli: 'private',
          transport: 'tls',
          suppressCallbacks: false,
          callHeaders: [{ key: 'foo', value: 'bar' }],
        }),
      ),
    ).toEqual([]);
    expect(
      found(
        action({
          name: 'connectStream',
          destination: { type: 'Websocket', endpoint: 'wss://yourcompany.com/websocket-server' },
          streamingOptions: { version: 2, sampleRate: 44100 },
          maxDuration: 3000,
        }),
      ),
    ).toEqual([]);
  });
});

describe('validateSvaml: instruction rules', () => {
  it.each([
    ['say text length', { name: 'say', text: x(600) }, { name: 'say', text: x(601) }, 'instructions[0].text max_length'],
    ['say text required', { name: 'say', text: 'hi' }, { name: 'say' }, 'instructions[0].text required'],
    ['say text empty', { name: 'say', text: 'h' }, { name: 'say', text: '' }, 'instructions[0].text min_length'],
    ['say text type', { name: 'say', text: 'h' }, { name: 'say', text: 42 }, 'instructions[0].text type'],
    ['playFiles ids', { name: 'playFiles', ids: ['welcome'] }, { name: 'playFiles', ids: [] }, 'instructions[0].ids type'],
    ['playFiles ids required', { name: 'playFiles', ids: ['welcome'] }, { name: 'playFiles' }, 'instructions[0].ids required'],
    [
      'playFiles TTS length',
      { name: 'playFiles', ids: [`#tts[${x(594)}]`], locale: 'en-US' },
      { name: 'playFiles', ids: [`#tts[${x(595)}]`], locale: 'en-US' },
      'instructions[0].ids[0] max_length',
    ],
    [
      'playFiles locale for TTS',
      { name: 'playFiles', ids: ['#tts[Hi]'], locale: 'en-US' },
      { name: 'playFiles', ids: ['#tts[Hi]'] },
      'instructions[0].locale required',
    ],
    ['sendDtmf charset', { name: 'sendDtmf', value: '0123456789#w' }, { name: 'sendDtmf', value: '12A' }, 'instructions[0].value dtmf_charset'],
    ['sendDtmf required', { name: 'sendDtmf', value: '1' }, { name: 'sendDtmf' }, 'instructions[0].value required'],
    ['setCookie bytes', { name: 'setCookie', key: 'k', value: x(1023) }, { name: 'setCookie', key: 'k', value: x(1024) }, 'instructions[0] max_bytes'],
    ['setCookie key', { name: 'setCookie', key: 'k', value: '' }, { name: 'setCookie', value: 'v' }, 'instructions[0].key required'],
    [
      'startRecording options',
      { name: 'startRecording', options: { destination: 's3://b/', notificationEvents: true } },
      { name: 'startRecording', options: { notificationEvents: 'yes' } },
      'instructions[0].options.notificationEvents type',
    ],
  ])('%s', (_label, ok, bad, violation) => {
    expect(found(instruction(ok))).toEqual([]);
    expect(found(instruction(bad))).toEqual([violation]);
  });

  it('counts cookie bytes across all setCookie instructions', () => {
    const cookies = (n: number) => ({
      instructions: [
        { name: 'setCookie', key: 'a', value: x(500) },
        { name: 'setCookie', key: 'b', value: x(n) },
      ],
    });
    expect(found(cookies(522))).toEqual([]);
    expect(found(cookies(523))).toEqual(['instructions[1] max_bytes']);
  });

  it('refuses startRecording with connectMxp', () => {
    const doc = { instructions: [{ name: 'startRecording' }], action: { name: 'connectMxp' } };
    expect(found(doc)).toEqual(['action.name unsupported_combination']);
    expect(found({ ...doc, action: { name: 'connectPstn' } })).toEqual([]);
  });

  it('accepts the OpenAPI instruction examples', () => {
    const doc = {
      instructions: [
        { name: 'playFiles', ids: ['[Welcome]'], locale: 'en-US' },
        { name: 'say', text: 'Hello, this is a text-to-speech message.', locale: 'en-US' },
        { name: 'sendDtmf', value: '1234#' },
        { name: 'setCookie', key: 'cookie_name', value: 'cookie_value' },
        { name: 'answer' },
        { name: 'startRecording', options: { destination: 's3://my-bucket/', credentials: 'AKIA:secret:eu-central-1', notificationEvents: true } },
        { name: 'stopRecording' },
      ],
      action: { name: 'hangup' },
    };
    expect(found(doc)).toEqual([]);
  });
});

describe('validateSvaml: runMenu', () => {
  const menu = (menus: unknown, extra: Record<string, unknown> = {}) => action({ name: 'runMenu', menus, ...extra });
  const main = (options: unknown[]) => [{ id: 'main', options }];

  it('accepts the OpenAPI ACE runMenu example', () => {
    const doc = menu(
      [
        {
          id: 'main',
          mainPrompt: '#tts[Press 1 for support or 2 for the next menu.]',
          options: [
            { dtmf: '1', action: 'return(support)' },
            { dtmf: '2', action: 'menu(sub)' },
          ],
        },
        { id: 'sub', mainPrompt: '#tts[Enter your 4-digit PIN]', repeatPrompt: '#tts[Please enter your 4-digit pin.]', repeats: 3, maxDigits: 4 },
      ],
      { barge: true },
    );
    expect(found(doc, 'ace')).toEqual([]);
  });

  it('requires menus', () => {
    expect(found(action({ name: 'runMenu' }))).toEqual(['action.menus required']);
    expect(found(menu([]))).toEqual(['action.menus type']);
  });

  it('requires exactly one main menu', () => {
    expect(found(menu([{ id: 'sub' }]))).toEqual(['action.menus menu_main']);
    expect(found(menu([{ id: 'main' }, { id: 'main' }]))).toEqual(['action.menus[1].id duplicate_menu_id', 'action.menus menu_main']);
  });

  it('checks option actions and their targets', () => {
    expect(
      found(
        menu(
          main([
            { dtmf: '1', action: 'return' },
            { dtmf: '2', action: 'return(x)' },
            { dtmf: '3', action: 'menu(main)' },
          ]),
        ),
      ),
    ).toEqual([]);
    expect(found(menu(main([{ dtmf: '1', action: 'menu(nowhere)' }])))).toEqual(['action.menus[0].options[0].action menu_unknown_target']);
    expect(found(menu(main([{ dtmf: '1', action: 'goto(sub)' }])))).toEqual(['action.menus[0].options[0].action menu_option_action']);
    expect(found(menu(main([{ dtmf: '1' }])))).toEqual(['action.menus[0].options[0].action required']);
  });

  it('checks option keys', () => {
    expect(
      found(
        menu(
          main([
            { dtmf: '*', action: 'return' },
            { dtmf: '#', action: 'return' },
          ]),
        ),
      ),
    ).toEqual([]);
    expect(found(menu(main([{ dtmf: '12', action: 'return' }])))).toEqual(['action.menus[0].options[0].dtmf dtmf_key']);
    expect(found(menu(main([{ dtmf: 'w', action: 'return' }])))).toEqual(['action.menus[0].options[0].dtmf dtmf_key']);
    expect(
      found(
        menu(
          main([
            { dtmf: '1', action: 'return' },
            { dtmf: '1', action: 'return' },
          ]),
        ),
      ),
    ).toEqual(['action.menus[0].options[1].dtmf duplicate_option']);
  });

  it('checks prompts, numbers, mainMenu and enableVoice', () => {
    expect(found(menu([{ id: 'main', mainPrompt: x(601) }]))).toEqual(['action.menus[0].mainPrompt max_length']);
    expect(found(menu([{ id: 'main', repeatPrompt: x(601) }]))).toEqual(['action.menus[0].repeatPrompt max_length']);
    expect(found(menu([{ id: 'main', maxDigits: 0 }]))).toEqual(['action.menus[0].maxDigits min_value']);
    expect(found(menu([{ id: 'main' }], { mainMenu: 'main' }))).toEqual([]);
    expect(found(menu([{ id: 'main' }], { mainMenu: 'sub' }))).toEqual(['action.mainMenu menu_unknown_target']);
    expect(found(menu([{ id: 'main' }], { enableVoice: true, locale: 'en-US' }))).toEqual([]);
    expect(found(menu([{ id: 'main' }], { enableVoice: true }))).toEqual(['action.locale required']);
  });
});
