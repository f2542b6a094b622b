import { CallbackParseError, parseCallbackEvent } from 'src/sinch/callback-events';

// Bodies are written as JSON text, as they arrive, so number literals such as .03 go through JSON.parse.
const parse = (json: string) => parseCallbackEvent(JSON.parse(json));

describe('parseCallbackEvent: numbers as Sinch writes them', () => {
  it.each([
    ['31639136121', '+31639136121'],
    ['+31639136121', '+31639136121'],
    ['private', 'private'],
    ['sip:alice@example.com', 'sip:alice@example.com'],
    ['', ''],
    ['0701234567', '0701234567'],
  ])('ICE cli %j is read as %j', (cli, expected) => {
    const event = parse(JSON.stringify({ event: 'ice', callid: 'c', cli, to: { type: 'did', endpoint: '15550100001' }, domain: 'pstn' }));
    expect(event).toMatchObject({ cli: expected, to: { endpoint: '+15550100001' } });
  });

  it("keeps an app caller's user id and non-PSTN destinations as sent", () => {
    const event = parse('{"event":"ice","callid":"c","cli":"123456789","domain":"mxp","to":{"type":"username","endpoint":"123456789"}}');
    expect(event).toMatchObject({ cli: '123456789', to: { type: 'username', endpoint: '123456789' } });
  });

  it('normalises the DiCE from and to.endpoint of type number', () => {
    const event = parse(
      '{"event":"dice","callid":"c","result":"ANSWERED","reason":"CALLEEHANGUP","from":"46701234567","to":{"type":"number","endpoint":"14045005001"}}',
    );
    expect(event).toMatchObject({ from: '+46701234567', to: { type: 'number', endpoint: '+14045005001' } });
    expect(event.raw).toMatchObject({ from: '46701234567', to: { endpoint: '14045005001' } });
  });
});

describe('parseCallbackEvent: spec examples', () => {
  it('parses the OpenAPI ICE example', () => {
    const body = `{
      "event": "ice", "callId": "3b0a7ccd-05e1-4728-bafd-023b77c47784",
      "callResourceUrl": "https://calling-euc1.api.sinch.com/calling/v1/calls/id/3b0a7ccd-05e1-4728-bafd-023b77c47784",
      "timestamp": "2022-03-21T13:13:59", "version": 1,
      "userRate": { "currencyId": "USD", "amount": 0.03 },
      "cli": "31639136121", "to": { "type": "did", "endpoint": "+3197121281500" }, "domain": "pstn",
      "applicationKey": "3b216e8d-e385-4ff9-ae80-5d11897006b0", "originationType": "PSTN"
    }`;
    const event = parse(body);
    expect(event).toEqual({
      event: 'ice',
      callId: '3b0a7ccd-05e1-4728-bafd-023b77c47784',
      callResourceUrl: 'https://calling-euc1.api.sinch.com/calling/v1/calls/id/3b0a7ccd-05e1-4728-bafd-023b77c47784',
      timestamp: new Date('2022-03-21T13:13:59Z'),
      version: 1,
      userRate: { currency: 'USD', amount: '0.03' },
      // Sinch writes the caller without the plus; parsed to E.164 (issue 13), the raw payload keeps it as sent.
      cli: '+31639136121',
      to: { type: 'did', endpoint: '+3197121281500' },
      domain: 'pstn',
      applicationKey: '3b216e8d-e385-4ff9-ae80-5d11897006b0',
      originationType: 'PSTN',
      raw: JSON.parse(body),
    });
  });

  it('parses the OpenAPI DICE example', () => {
    const event = parse(`{
      "event": "dice", "callId": "3b0a7ccd-05e1-4728-bafd-023b77c47784", "timestamp": "2022-03-21T13:14:19",
      "reason": "GENERALERROR", "result": "FAILED", "version": 1,
      "debit": { "currencyId": "USD", "amount": 0 }, "userRate": { "currencyId": "USD", "amount": 0.368 },
      "to": { "type": "did", "endpoint": "3197121281500" },
      "applicationKey": "3b216e8d-e274-4ff9-ae80-5d11897006b0", "from": "31639136121"
    }`);
    expect(event).toMatchObject({
      event: 'dice',
      callId: '3b0a7ccd-05e1-4728-bafd-023b77c47784',
      timestamp: new Date('2022-03-21T13:14:19Z'),
      reason: 'GENERALERROR',
      result: 'FAILED',
      debit: { currency: 'USD', amount: '0' },
      userRate: { currency: 'USD', amount: '0.368' },
      to: { type: 'did', endpoint: '+3197121281500' },
      from: '+31639136121',
    });
    expect(event.raw).toMatchObject({ to: { type: 'did', endpoint: '3197121281500' }, from: '31639136121' });
    expect(event).not.toHaveProperty('duration');
  });

  it('parses the OpenAPI PIE example', () => {
    const event = parse(`{
      "event": "pie", "callId": "3b0a7ccd-05e1-4728-bafd-023b77c47784", "timestamp": "2022-03-21T13:14:19",
      "menuResult": { "menuId": "sub", "type": "sequence", "value": "3576", "inputMethod": "dtmf" },
      "version": 1, "applicationKey": "3b216e8d-e274-4ff9-ae80-5d11897006b0"
    }`);
    expect(event).toMatchObject({
      event: 'pie',
      callId: '3b0a7ccd-05e1-4728-bafd-023b77c47784',
      menuResult: { menuId: 'sub', type: 'sequence', value: '3576', inputMethod: 'dtmf' },
    });
  });

  it('parses the OpenAPI notify examples', () => {
    expect(parse('{"event":"notify","callId":"da2d576b-d35a-476a-93cc-09e083fe8729","version":1,"type":"recording_finished"}')).toMatchObject({
      event: 'notify',
      callId: 'da2d576b-d35a-476a-93cc-09e083fe8729',
      type: 'recording_finished',
    });
    expect(
      parse(
        '{"event":"notify","callId":"da2d576b-d35a-476a-93cc-09e083fe8729","version":1,"type":"recording_available","destination":"path/to/my/recording.mp3"}',
      ),
    ).toMatchObject({ type: 'recording_available', destination: 'path/to/my/recording.mp3' });
  });

  it('parses the ACE of the signing golden vector (lowercase callid, zoned timestamp)', () => {
    const event = parse('{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257","timestamp":"2014-09-24T10:59:41Z","version":1}');
    expect(event).toEqual({
      event: 'ace',
      callId: '822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257',
      timestamp: new Date('2014-09-24T10:59:41Z'),
      version: 1,
      raw: expect.any(Object),
    });
  });

  it('parses an ACE with AMD (aceRequest.amd)', () => {
    const event = parse('{"event":"ace","callId":"c1","timestamp":"2023-04-21T14:45:51","amd":{"status":"machine","reason":"longgreeting","duration":3}}');
    expect(event).toMatchObject({ event: 'ace', amd: { status: 'machine', reason: 'longgreeting', duration: 3 } });
  });

  it('parses a calling-error notification (callback-api.md)', () => {
    const event = parse(
      '{"event":"notify","version":1,"type":"callingerror","callid":"c2","errorCode":40001,"errorMsg":"Illegal SVAML","user":"u1","custom":"x"}',
    );
    expect(event).toEqual({
      event: 'notify',
      version: 1,
      type: 'callingerror',
      callId: 'c2',
      errorCode: 40001,
      errorMsg: 'Illegal SVAML',
      user: 'u1',
      custom: 'x',
      raw: expect.any(Object),
    });
  });

  it('parses an ICE from an SDK client with call headers (callback-api.md)', () => {
    const event = parse(
      '{"event":"ice","callid":"c3","timestamp":"2023-04-21T14:45:51.250","user":"alice","custom":"{\\"foo\\":\\"x\\"}","to":{"type":"conference","endpoint":"myCoolConference"},"callHeaders":[{"key":"foo","value":"x"}]}',
    );
    expect(event).toMatchObject({
      event: 'ice',
      callId: 'c3',
      timestamp: new Date('2023-04-21T14:45:51.250Z'),
      user: 'alice',
      custom: '{"foo":"x"}',
      to: { type: 'conference', endpoint: 'myCoolConference' },
      callHeaders: [{ key: 'foo', value: 'x' }],
    });
  });
});

describe('parseCallbackEvent: details', () => {
  it('keeps unknown notify types and their fields in raw', () => {
    const event = parse('{"event":"notify","callId":"c","type":"something_new","extra":{"a":1}}');
    expect(event).toMatchObject({ event: 'notify', type: 'something_new', raw: { extra: { a: 1 } } });
  });

  it('parses AMD notifications', () => {
    const event = parse('{"event":"notify","callId":"c","type":"amd","amd":{"status":"human","reason":"n/a"}}');
    expect(event).toMatchObject({ type: 'amd', amd: { status: 'human', reason: 'n/a' } });
  });

  it('lower-cases the PIE result type', () => {
    const event = parse('{"event":"pie","callId":"c","menuResult":{"type":"Return","value":"support","menuId":"main"}}');
    expect(event).toMatchObject({ menuResult: { type: 'return', value: 'support', menuId: 'main' } });
  });

  it('reads a DiCE duration and defaults missing result/reason to N/A', () => {
    expect(parse('{"event":"dice","callId":"c","result":"ANSWERED","reason":"CALLEEHANGUP","duration":42}')).toMatchObject({
      duration: 42,
    });
    expect(parse('{"event":"dice","callId":"c"}')).toMatchObject({ result: 'N/A', reason: 'N/A' });
  });

  it('keeps money exact', () => {
    const dice = (amount: string) => parse(`{"event":"dice","callId":"c","debit":{"currencyId":"EUR","amount":${amount}}}`);
    expect(dice('0.1')).toMatchObject({ debit: { currency: 'EUR', amount: '0.1' } });
    expect(dice('1.005')).toMatchObject({ debit: { amount: '1.005' } });
    expect(dice('0.0000001')).toMatchObject({ debit: { amount: '0.0000001' } });
    expect(dice('12.50')).toMatchObject({ debit: { amount: '12.5' } });
    expect(dice('"0.368"')).toMatchObject({ debit: { amount: '0.368' } });
  });

  it('accepts callId and callid together when they agree', () => {
    expect(parse('{"event":"ace","callId":"a","callid":"a"}')).toMatchObject({ callId: 'a' });
  });

  it.each([
    ['a non-object body', '[]', undefined],
    ['a missing event', '{"callId":"c"}', 'event'],
    ['an unknown event', '{"event":"xyz","callId":"c"}', 'event'],
    ['a missing call id', '{"event":"ice"}', 'callId'],
    ['disagreeing call ids', '{"event":"ace","callId":"a","callid":"b"}', 'callId'],
    ['a bad timestamp', '{"event":"ace","callId":"c","timestamp":"yesterday"}', 'timestamp'],
    ['a non-integer version', '{"event":"ace","callId":"c","version":1.5}', 'version'],
    ['malformed money', '{"event":"dice","callId":"c","debit":{"currencyId":"USD","amount":"lots"}}', 'debit'],
    ['money without currency', '{"event":"dice","callId":"c","debit":{"amount":1}}', 'debit'],
    ['a PIE without menuResult', '{"event":"pie","callId":"c"}', 'menuResult'],
    ['a notify without type', '{"event":"notify","callId":"c"}', 'type'],
    ['a string where an object belongs', '{"event":"ice","callId":"c","to":"+46"}', 'to'],
    ['AMD without status', '{"event":"ace","callId":"c","amd":{}}', 'amd.status'],
    ['a nested field of the wrong type', '{"event":"ice","callId":"c","to":{"type":"did","endpoint":46}}', 'to.endpoint'],
    ['a PIE value of the wrong type', '{"event":"pie","callId":"c","menuResult":{"type":"sequence","value":1}}', 'menuResult.value'],
  ])('rejects %s', (_label, json, field) => {
    expect(() => parse(json)).toThrow(CallbackParseError);
    try {
      parse(json);
    } catch (err) {
      expect((err as CallbackParseError).field).toBe(field);
    }
  });
});
