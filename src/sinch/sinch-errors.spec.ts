import { SinchApiError, classifyHttpError, classifyTransportError, parseRetryAfter } from 'src/sinch/sinch-errors';

const NOW = Date.parse('2024-05-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter([' 3 '], NOW)).toBe(3000);
  });

  it('reads an HTTP-date', () => {
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', NOW)).toBe(30_000);
  });

  it('clamps a date in the past to zero', () => {
    expect(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', NOW)).toBe(0);
  });

  it.each([[undefined], [null], [''], ['-5'], ['1.5'], ['soon'], [[]]])('ignores %p', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('classifyHttpError', () => {
  it('makes 429 retryable and honours Retry-After', () => {
    const body = { status: '429 CapacityExceeded', errorCode: 42900, message: 'The number of requests has exceeded capacity' };
    const error = classifyHttpError(429, body, '7', NOW);
    expect(error).toBeInstanceOf(SinchApiError);
    expect(error).toMatchObject({ kind: 'http', status: 429, errorCode: 42900, retryable: true, retryAfterMs: 7000 });
    expect(error.message).toBe('Sinch answered HTTP 429 (42900): The number of requests has exceeded capacity');
  });

  it.each([500, 502, 503, 504])('makes %p retryable', (status) => {
    expect(classifyHttpError(status, { errorCode: 50300 }, undefined, NOW)).toMatchObject({ retryable: true, status });
  });

  it('reads Retry-After on 503 as an HTTP-date', () => {
    const error = classifyHttpError(503, {}, 'Wed, 01 May 2024 12:01:00 GMT', NOW);
    expect(error.retryAfterMs).toBe(60_000);
  });

  it.each([400, 401, 402, 403, 404, 409, 422])('makes %p final', (status) => {
    expect(classifyHttpError(status, {}, '5', NOW)).toMatchObject({ retryable: false, retryAfterMs: undefined });
  });

  it('keeps errorCode, reference and body of a 400', () => {
    const body = {
      status: '400 ParameterValidation',
      errorCode: 40001,
      message: 'Method needs to be `ttsCallout`, `conferenceCallout`, or `customCallout`',
      reference: 'a2028355-5164-41b6-aae9-2b8a546e0784',
    };
    expect(classifyHttpError(400, body, undefined, NOW)).toMatchObject({
      errorCode: 40001,
      reference: 'a2028355-5164-41b6-aae9-2b8a546e0784',
      body,
      retryable: false,
    });
  });

  it('accepts errorCode as a string, as the OpenAPI Error schema types it', () => {
    expect(classifyHttpError(404, { errorCode: '40400' }).errorCode).toBe(40400);
  });

  it('survives a non-JSON body', () => {
    const error = classifyHttpError(502, '<html>Bad gateway</html>');
    expect(error).toMatchObject({ status: 502, errorCode: undefined, retryable: true });
    expect(error.message).toContain('Bad gateway');
  });
});

describe('classifyTransportError', () => {
  it('classifies connection refused as a retryable network error', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const err = Object.assign(new TypeError('fetch failed'), { cause });
    expect(classifyTransportError(err, false, 'POST /x')).toMatchObject({ kind: 'network', retryable: true });
  });

  it('classifies undici and AbortSignal timeouts', () => {
    const headers = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(classifyTransportError(headers, false, 'GET /x')).toMatchObject({ kind: 'timeout', retryable: true });
    const abort = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(classifyTransportError(abort, false, 'GET /x')).toMatchObject({ kind: 'timeout' });
    expect(classifyTransportError(new Error('aborted'), true, 'GET /x')).toMatchObject({ kind: 'timeout' });
  });

  it('keeps the cause', () => {
    const cause = new Error('socket hang up');
    expect(classifyTransportError(cause, false, 'GET /x').cause).toBe(cause);
  });
});
