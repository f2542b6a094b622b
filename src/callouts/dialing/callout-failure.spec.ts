import { classifyHttpError, classifyTransportError } from 'src/sinch/sinch-errors';
import { SinchRequestValidationError } from 'src/sinch/voice-request.validator';
import { classifyCalloutFailure, retryDelayMs } from './callout-failure';

const sinchBody = (errorCode: number, message: string) => ({ errorCode, message });
const transport = (code: string) => classifyTransportError(Object.assign(new Error(code), { code }), false, 'POST /calling/v1/callouts');

describe('classifyCalloutFailure', () => {
  it('429 is rate limited, with Retry-After', () => {
    const f = classifyCalloutFailure(classifyHttpError(429, sinchBody(42900, 'capacity'), '2'));
    expect(f).toEqual({ kind: 'rate_limited', retryAfterMs: 2000, error: { errorCode: 42900, errorMessage: expect.stringContaining('429') } });
  });

  it("a 5xx with Sinch's error body is retryable", () => {
    expect(classifyCalloutFailure(classifyHttpError(503, sinchBody(50300, 'down'), '1'))).toMatchObject({
      kind: 'retryable',
      retryAfterMs: 1000,
      error: { errorCode: 50300 },
    });
  });

  it("a 5xx without Sinch's body (a proxy's 504) is ambiguous", () => {
    expect(classifyCalloutFailure(classifyHttpError(504, '<html>Gateway Timeout</html>')).kind).toBe('ambiguous');
  });

  it.each([400, 401, 403, 404, 422])('%p is final and keeps the errorCode', (status) => {
    const f = classifyCalloutFailure(classifyHttpError(status, sinchBody(status * 100 + 1, 'bad')));
    expect(f).toMatchObject({ kind: 'final', error: { errorCode: status * 100 + 1 } });
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'UND_ERR_CONNECT_TIMEOUT'])('%p (never connected) is retryable', (code) => {
    expect(classifyCalloutFailure(transport(code)).kind).toBe('retryable');
  });

  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT'])('%p (maybe sent) is ambiguous', (code) => {
    expect(classifyCalloutFailure(transport(code)).kind).toBe('ambiguous');
  });

  it('a request timeout is ambiguous', () => {
    const err = classifyTransportError(new DOMException('aborted', 'TimeoutError'), true, 'POST /calling/v1/callouts');
    expect(classifyCalloutFailure(err)).toMatchObject({ kind: 'ambiguous', error: { errorCode: null, errorMessage: expect.stringMatching(/timed out/) } });
  });

  it('our own validation refusal is final', () => {
    const err = new SinchRequestValidationError([{ path: 'ttsCallout.text', rule: 'max_chars', message: 'too long' }]);
    expect(classifyCalloutFailure(err)).toMatchObject({ kind: 'final', error: { errorCode: null } });
  });

  it('an unexpected error is ambiguous', () => {
    expect(classifyCalloutFailure(new TypeError('x is undefined')).kind).toBe('ambiguous');
  });
});

describe('retryDelayMs', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };

  it('doubles per attempt, jittered between half and all of it', () => {
    expect(retryDelayMs(1, policy, undefined, () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, undefined, () => 1)).toBe(1000);
    expect(retryDelayMs(3, policy, undefined, () => 1)).toBe(4000);
    expect(retryDelayMs(3, policy, undefined, () => 0)).toBe(2000);
  });

  it('is capped at maxMs', () => {
    expect(retryDelayMs(20, policy, undefined, () => 1)).toBe(60_000);
  });

  it('never retries sooner than Retry-After', () => {
    expect(retryDelayMs(1, policy, 5000, () => 1)).toBe(5000);
    expect(retryDelayMs(4, policy, 100, () => 1)).toBe(8000);
  });
});
