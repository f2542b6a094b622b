import { jsonNestsDeeperThan } from './json-body';
import { decodeCursor, encodeCursor } from './pagination';
import { inputProblems } from './validation';

describe('jsonNestsDeeperThan', () => {
  const bytes = (text: string) => Buffer.from(text, 'utf8');

  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(jsonNestsDeeperThan(bytes('{"a":[[1]]}'), 3)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('{"a":[[[1]]]}'), 3)).toBe(true);
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ a: '[[[[[[', b: '\\"[[[[' })), 1)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('['.repeat(100_000)), 32)).toBe(true);
  });
});

describe('inputProblems', () => {
  it('names each string with a control character or an unpaired surrogate by its path', () => {
    const problems = inputProblems({ a: 'ok\n\t\r', b: ['x', 'y\u0000'], c: { d: '\ud800' }, e: '😀' });
    expect(problems.map((p) => [p.field, p.rule])).toEqual([
      ['b[1]', 'noControlCharacters'],
      ['c.d', 'noControlCharacters'],
    ]);
  });

  it('judges keys too', () => {
    expect(inputProblems({ attributes: { 'a\u001bb': 1 } }).map((p) => p.field)).toEqual(['attributes']);
  });

  it('names a query or path parameter by its name', () => {
    expect(inputProblems('a\u0007', undefined, 'phone')[0]).toMatchObject({ field: 'phone', rule: 'noControlCharacters' });
  });
});

describe('cursors', () => {
  const id = '3f1c1b7e-8a2d-4c55-9f0e-1a2b3c4d5e6f';

  it('round-trips what encodeCursor produced', () => {
    const createdAt = new Date('2025-03-10T08:00:00.123Z');
    expect(decodeCursor(encodeCursor({ createdAt, id }))).toEqual({ createdAt, id });
  });

  it.each([
    ['a forged date', `+275760-09-13T00:00:00.000Z|${id}`],
    ['a normalised date', `2025-02-30T00:00:00.000Z|${id}`],
    ['a non-uuid id', '2025-01-01T00:00:00.000Z|------------------------------------'],
    ['an extra part', `2025-01-01T00:00:00.000Z|${id}|x`],
  ])('refuses %s, naming cursor', (_name, text) => {
    expect(() => decodeCursor(Buffer.from(text).toString('base64url'))).toThrow(
      expect.objectContaining({ kind: 'invalid', details: [expect.objectContaining({ field: 'cursor' })] }),
    );
  });
});
