import { AppError, featureError } from 'src/common/app-error';
import { statusCodeName } from 'src/common/all-exceptions.filter';

class DemoError extends featureError({ not_found: ['thing_not_found'], conflict: ['thing_busy', 'thing_gone'] }) {}

describe('featureError', () => {
  it('carries the code and takes the kind its feature declared for it', () => {
    const error = new DemoError('thing_busy', 'Thing 1 is busy', [{ field: 'id', rule: 'busy', message: 'busy' }]);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ kind: 'conflict', code: 'thing_busy', message: 'Thing 1 is busy', name: 'DemoError' });
    expect(error.details).toEqual([{ field: 'id', rule: 'busy', message: 'busy' }]);
    expect(new DemoError('thing_not_found', 'x').kind).toBe('not_found');
    expect(new DemoError('thing_gone', 'x').kind).toBe('conflict');
    // Checked by tsc (the spec is type-checked): a code the feature did not declare does not compile.
    // @ts-expect-error thing_lost is not a DemoError code
    void (() => new DemoError('thing_lost', 'x'));
  });

  it('refuses a code declared under two kinds', () => {
    expect(() => featureError({ not_found: ['thing_gone'], conflict: ['thing_gone'] })).toThrow(
      'Error code thing_gone is declared as both not_found and conflict',
    );
  });
});

describe('statusCodeName', () => {
  it('names a status without a feature code in snake case', () => {
    expect(statusCodeName(400)).toBe('bad_request');
    expect(statusCodeName(413)).toBe('payload_too_large');
    expect(statusCodeName(429)).toBe('too_many_requests');
    expect(statusCodeName(599)).toBe('error');
  });
});
