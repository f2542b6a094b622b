import {
  applicationAuthorization,
  basicAuthorization,
  contentMd5,
  parseSinchTimestamp,
  signRequest,
  stringToSign,
  verifySignedRequest,
  type SinchCredential,
  type VerifySignedRequestInput,
} from 'src/sinch/signing';

// Golden vector from Sinch's callback-signing documentation (see /work/shared/sinch/README.md).
const KEY = '669E367E-6BBA-48AB-AF15-266871C28135';
const SECRET = 'BeIukql3pTKJ8RGL5zo0DA==';
const BODY = '{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257","timestamp":"2014-09-24T10:59:41Z","version":1}';
const TIMESTAMP = '2014-09-24T10:59:41Z';
const PATH = '/sinch/callback/ace';
const SIGNATURE = 'Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4=';

const golden = {
  method: 'POST',
  path: PATH,
  contentType: 'application/json',
  timestamp: TIMESTAMP,
  body: BODY,
};

const current: SinchCredential = { applicationKey: KEY, applicationSecret: SECRET };
const previous: SinchCredential = {
  applicationKey: '0b1d7a0e-1111-4a4a-9b9b-000000000001',
  applicationSecret: Buffer.from('previous-secret-bytes').toString('base64'),
};

function input(overrides: Partial<VerifySignedRequestInput> = {}): VerifySignedRequestInput {
  return {
    method: 'POST',
    path: PATH,
    headers: {
      authorization: applicationAuthorization(KEY, SIGNATURE),
      'content-type': 'application/json',
      'x-timestamp': TIMESTAMP,
    },
    rawBody: Buffer.from(BODY),
    credentials: [current],
    ...overrides,
  };
}

function signedWith(cred: SinchCredential, timestamp: string): VerifySignedRequestInput {
  const signature = signRequest({ ...golden, timestamp }, cred.applicationSecret);
  return input({
    headers: {
      authorization: applicationAuthorization(cred.applicationKey, signature),
      'content-type': 'application/json',
      'x-timestamp': timestamp,
    },
    credentials: [current, previous],
  });
}

describe('signing primitives', () => {
  it('computes the golden Content-MD5', () => {
    expect(contentMd5(BODY)).toBe('REWF+X220L4/Gw1spXOU7g==');
    expect(contentMd5(Buffer.from(BODY))).toBe('REWF+X220L4/Gw1spXOU7g==');
  });

  it('returns an empty Content-MD5 for no body', () => {
    expect(contentMd5(undefined)).toBe('');
    expect(contentMd5('')).toBe('');
    expect(contentMd5(Buffer.alloc(0))).toBe('');
  });

  it('builds the string to sign', () => {
    expect(stringToSign(golden)).toBe(`POST\nREWF+X220L4/Gw1spXOU7g==\napplication/json\nx-timestamp:${TIMESTAMP}\n${PATH}`);
  });

  it('upper-cases the method and strips the query string', () => {
    expect(stringToSign({ ...golden, method: 'post', path: `${PATH}?a=1&b=2` })).toBe(stringToSign(golden));
  });

  it('uses empty lines for a missing body and content type', () => {
    expect(stringToSign({ method: 'GET', path: '/x', timestamp: TIMESTAMP })).toBe(`GET\n\n\nx-timestamp:${TIMESTAMP}\n/x`);
  });

  it('reproduces the golden signature', () => {
    expect(signRequest(golden, SECRET)).toBe(SIGNATURE);
    expect(signRequest({ ...golden, body: Buffer.from(BODY) }, SECRET)).toBe(SIGNATURE);
  });

  it('formats the Application and Basic authorization headers', () => {
    expect(applicationAuthorization(KEY, SIGNATURE)).toBe(`Application ${KEY}:${SIGNATURE}`);
    const basic = basicAuthorization(KEY, SECRET);
    expect(basic).toBe(`Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`);
  });

  it('parses Sinch timestamps as UTC', () => {
    expect(parseSinchTimestamp('2022-03-21T13:14:19')?.toISOString()).toBe('2022-03-21T13:14:19.000Z');
    expect(parseSinchTimestamp('2022-03-21T13:14:19.123')?.toISOString()).toBe('2022-03-21T13:14:19.123Z');
    expect(parseSinchTimestamp('2022-03-21T15:14:19+02:00')?.toISOString()).toBe('2022-03-21T13:14:19.000Z');
    expect(parseSinchTimestamp('yesterday')).toBeUndefined();
    expect(parseSinchTimestamp('2022-13-45T99:99:99Z')).toBeUndefined();
  });
});

describe('verifySignedRequest', () => {
  it('accepts the golden vector', () => {
    expect(verifySignedRequest(input())).toEqual({ ok: true, applicationKey: KEY });
  });

  it('treats header names case-insensitively', () => {
    const result = verifySignedRequest(
      input({
        headers: {
          Authorization: applicationAuthorization(KEY, SIGNATURE),
          'Content-Type': 'application/json',
          'X-Timestamp': TIMESTAMP,
        },
      }),
    );
    expect(result.ok).toBe(true);
  });

  it('accepts a lowercase scheme', () => {
    const result = verifySignedRequest(input({ headers: { ...input().headers, authorization: `application ${KEY}:${SIGNATURE}` } }));
    expect(result.ok).toBe(true);
  });

  it('accepts an application key in another letter case', () => {
    const headers = { ...input().headers, authorization: applicationAuthorization(KEY.toLowerCase(), SIGNATURE) };
    expect(verifySignedRequest(input({ headers }))).toEqual({ ok: true, applicationKey: KEY });
  });

  it.each([
    ['tampered body', { rawBody: Buffer.from(BODY.replace('"version":1', '"version":2')) }],
    ['wrong path', { path: '/sinch/callback/dice' }],
    ['wrong method', { method: 'PUT' }],
    ['wrong secret', { credentials: [{ applicationKey: KEY, applicationSecret: previous.applicationSecret }] }],
  ])('rejects a %s', (_label, overrides) => {
    expect(verifySignedRequest(input(overrides))).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a changed content type, which is part of the signed string', () => {
    const headers = { ...input().headers, 'content-type': 'application/json; charset=utf-8' };
    expect(verifySignedRequest(input({ headers }))).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('signs an absent content type as an empty line', () => {
    const signature = signRequest({ ...golden, contentType: '' }, SECRET);
    const headers = { authorization: applicationAuthorization(KEY, signature), 'x-timestamp': TIMESTAMP };
    expect(verifySignedRequest(input({ headers })).ok).toBe(true);
  });

  it('rejects an unknown key', () => {
    const headers = { ...input().headers, authorization: applicationAuthorization('someone-else', SIGNATURE) };
    expect(verifySignedRequest(input({ headers }))).toMatchObject({ ok: false, reason: 'unknown_key' });
  });

  it('rejects a signature of another length without throwing', () => {
    const headers = { ...input().headers, authorization: applicationAuthorization(KEY, 'c2hvcnQ=') };
    expect(verifySignedRequest(input({ headers }))).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('accepts the previous credential during rotation', () => {
    const result = verifySignedRequest(signedWith(previous, TIMESTAMP));
    expect(result).toEqual({ ok: true, applicationKey: previous.applicationKey });
  });

  it('accepts either secret when two credentials share a key', () => {
    const rotated: SinchCredential = { applicationKey: KEY, applicationSecret: previous.applicationSecret };
    expect(verifySignedRequest(input({ credentials: [rotated, current] })).ok).toBe(true);
  });

  describe('timestamp window', () => {
    const now = new Date('2014-09-24T11:00:00Z');

    it('accepts a timestamp within the window', () => {
      expect(verifySignedRequest(input({ now, maxSkewSeconds: 60 })).ok).toBe(true);
    });

    it('rejects a stale timestamp', () => {
      const result = verifySignedRequest(input({ now, maxSkewSeconds: 10 }));
      expect(result).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    });

    it('rejects a timestamp from the future', () => {
      const request = { ...signedWith(current, '2014-09-24T11:05:00Z'), now, maxSkewSeconds: 60 };
      expect(verifySignedRequest(request)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    });

    it('skips the window when maxSkewSeconds is undefined', () => {
      expect(verifySignedRequest(input({ now: new Date('2030-01-01T00:00:00Z') })).ok).toBe(true);
    });
  });

  it.each([
    ['missing', {}, 'missing_authorization'],
    ['empty', { authorization: '' }, 'missing_authorization'],
    ['no scheme', { authorization: `${KEY}:${SIGNATURE}` }, 'malformed_authorization'],
    ['unknown scheme', { authorization: `Bearer ${SIGNATURE}` }, 'malformed_authorization'],
    ['no colon', { authorization: `Application ${KEY}` }, 'malformed_authorization'],
    ['empty signature', { authorization: `Application ${KEY}:` }, 'malformed_authorization'],
    ['empty key', { authorization: `Application :${SIGNATURE}` }, 'malformed_authorization'],
    ['repeated header', { authorization: [`Application ${KEY}:${SIGNATURE}`, 'Basic eA=='] }, 'malformed_authorization'],
  ])('rejects an authorization header that is %s', (_label, auth, reason) => {
    const headers = { 'content-type': 'application/json', 'x-timestamp': TIMESTAMP, ...auth };
    expect(verifySignedRequest(input({ headers }))).toMatchObject({ ok: false, reason });
  });

  it('rejects a missing x-timestamp', () => {
    const headers = { authorization: applicationAuthorization(KEY, SIGNATURE), 'content-type': 'application/json' };
    expect(verifySignedRequest(input({ headers }))).toMatchObject({ ok: false, reason: 'missing_timestamp' });
  });

  it('rejects an x-timestamp that is not ISO-8601', () => {
    const headers = { ...input().headers, 'x-timestamp': 'Wed, 24 Sep 2014 10:59:41 GMT' };
    expect(verifySignedRequest(input({ headers }))).toMatchObject({ ok: false, reason: 'invalid_timestamp' });
  });

  describe('Basic', () => {
    const basic = (value: string) => input({ headers: { authorization: value }, allowBasic: true });

    it('accepts key:secret when allowed', () => {
      expect(verifySignedRequest(basic(basicAuthorization(KEY, SECRET)))).toEqual({ ok: true, applicationKey: KEY });
    });

    it('accepts a lowercase scheme', () => {
      const token = basicAuthorization(KEY, SECRET).slice('Basic '.length);
      expect(verifySignedRequest(basic(`basic ${token}`)).ok).toBe(true);
    });

    it('is refused unless allowed', () => {
      const result = verifySignedRequest(input({ headers: { authorization: basicAuthorization(KEY, SECRET) } }));
      expect(result).toMatchObject({ ok: false, reason: 'malformed_authorization' });
    });

    it('rejects a wrong secret', () => {
      const result = verifySignedRequest(basic(basicAuthorization(KEY, 'bm90LXRoZS1zZWNyZXQ=')));
      expect(result).toMatchObject({ ok: false, reason: 'bad_signature' });
    });

    it('rejects an unknown key', () => {
      expect(verifySignedRequest(basic(basicAuthorization('nobody', SECRET)))).toMatchObject({
        ok: false,
        reason: 'unknown_key',
      });
    });

    it('rejects credentials that are not base64 or lack a colon', () => {
      expect(verifySignedRequest(basic('Basic not*base64'))).toMatchObject({ reason: 'malformed_authorization' });
      const noColon = `Basic ${Buffer.from('justakey').toString('base64')}`;
      expect(verifySignedRequest(basic(noColon))).toMatchObject({ reason: 'malformed_authorization' });
    });

    it('accepts the previous credential during rotation', () => {
      const result = verifySignedRequest({
        ...basic(basicAuthorization(previous.applicationKey, previous.applicationSecret)),
        credentials: [current, previous],
      });
      expect(result).toEqual({ ok: true, applicationKey: previous.applicationKey });
    });
  });
});
