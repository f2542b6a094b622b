import { IDEMPOTENCY_KEY_PATTERN, requestHash } from './request-hash';

describe('requestHash', () => {
  it('ignores key order and undefined fields', () => {
    expect(requestHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(requestHash({ b: { d: 'x', c: [1, 2] }, a: 1, e: undefined }));
  });

  it('differs when a value differs', () => {
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
    expect(requestHash({ a: [1, 2] })).not.toBe(requestHash({ a: [2, 1] }));
  });
});

describe('IDEMPOTENCY_KEY_PATTERN', () => {
  it.each(['a', 'f0b1c2d3-0000-4000-8000-000000000000', 'x'.repeat(255)])('accepts %p', (key) => {
    expect(IDEMPOTENCY_KEY_PATTERN.test(key)).toBe(true);
  });

  it.each(['', 'has space', 'x'.repeat(256), 'ünicode'])('refuses %p', (key) => {
    expect(IDEMPOTENCY_KEY_PATTERN.test(key)).toBe(false);
  });
});
