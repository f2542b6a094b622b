import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import { validateSvaml } from 'src/sinch/svaml/svaml.validator';

describe('svaml builders', () => {
  it('builds every action with its name', () => {
    expect(svaml.hangup()).toEqual({ name: 'hangup' });
    expect(svaml.continue()).toEqual({ name: 'continue' });
    expect(svaml.connectPstn('+46701234567', { cli: '+46700000000', maxDuration: 3600 })).toEqual({
      name: 'connectPstn',
      number: '+46701234567',
      cli: '+46700000000',
      maxDuration: 3600,
    });
    expect(svaml.connectMxp({ type: 'username', endpoint: 'agent-7' })).toEqual({
      name: 'connectMxp',
      destination: { type: 'username', endpoint: 'agent-7' },
    });
    expect(svaml.connectConf('queue-1', { moh: 'music1' })).toEqual({
      name: 'connectConf',
      conferenceId: 'queue-1',
      moh: 'music1',
    });
    expect(svaml.connectSip('46708000000@sip.foo.com', { transport: 'TLS' })).toEqual({
      name: 'connectSip',
      destination: { type: 'Sip', endpoint: '46708000000@sip.foo.com' },
      transport: 'TLS',
    });
    expect(svaml.connectStream('wss://example.com/ws', { streamingOptions: { version: 1, sampleRate: 16000 } })).toEqual({
      name: 'connectStream',
      destination: { type: 'Websocket', endpoint: 'wss://example.com/ws' },
      streamingOptions: { version: 1, sampleRate: 16000 },
    });
    expect(svaml.runMenu([{ id: 'main', options: [{ dtmf: '1', action: 'return' }] }], { barge: false })).toEqual({
      name: 'runMenu',
      barge: false,
      menus: [{ id: 'main', options: [{ dtmf: '1', action: 'return' }] }],
    });
    expect(svaml.park({ holdPrompt: '#tts[Please hold]', maxDuration: 600 })).toEqual({
      name: 'park',
      holdPrompt: '#tts[Please hold]',
      maxDuration: 600,
    });
  });

  it('builds every instruction with its name', () => {
    expect(svaml.say('Hello')).toEqual({ name: 'say', text: 'Hello' });
    expect(svaml.say('Hej', 'sv-SE')).toEqual({ name: 'say', text: 'Hej', locale: 'sv-SE' });
    expect(svaml.playFiles(['welcome'])).toEqual({ name: 'playFiles', ids: ['welcome'] });
    expect(svaml.playFiles(['#tts[Hi]'], 'en-US')).toEqual({ name: 'playFiles', ids: ['#tts[Hi]'], locale: 'en-US' });
    expect(svaml.sendDtmf('ww12#')).toEqual({ name: 'sendDtmf', value: 'ww12#' });
    expect(svaml.setCookie('campaign', 'c-1')).toEqual({ name: 'setCookie', key: 'campaign', value: 'c-1' });
    expect(svaml.answer()).toEqual({ name: 'answer' });
    expect(svaml.startRecording()).toEqual({ name: 'startRecording' });
    expect(svaml.startRecording({ notificationEvents: true })).toEqual({
      name: 'startRecording',
      options: { notificationEvents: true },
    });
    expect(svaml.stopRecording()).toEqual({ name: 'stopRecording' });
  });

  it('assembles a document and omits what is absent', () => {
    expect(buildSvaml()).toEqual({});
    expect(buildSvaml(svaml.hangup())).toEqual({ action: { name: 'hangup' } });
    const doc = buildSvaml(svaml.connectConf('room'), svaml.say('Connecting you'), svaml.setCookie('k', 'v'));
    expect(doc).toEqual({
      instructions: [
        { name: 'say', text: 'Connecting you' },
        { name: 'setCookie', key: 'k', value: 'v' },
      ],
      action: { name: 'connectConf', conferenceId: 'room' },
    });
    expect(validateSvaml(doc, 'ice')).toEqual([]);
  });
});
