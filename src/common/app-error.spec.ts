import { AppError, featureError } from 'src/common/app-error';
import { statusCodeName } from 'src/common/all-exceptions.filter';

enum DemoErrorCode {
  ThingNotFound = 'thing_not_found',
  ThingBusy = 'thing_busy',
}

class DemoError extends featureError<DemoErrorCode>({
  [DemoErrorCode.ThingNotFound]: 'not_found',
  [DemoErrorCode.ThingBusy]: 'conflict',
}) {}

describe('featureError', () => {
  it('carries the code and takes the kind its feature declared for it', () => {
    const error = new DemoError(DemoErrorCode.ThingBusy, 'Thing 1 is busy', [{ field: 'id', rule: 'busy', message: 'busy' }]);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ kind: 'conflict', code: 'thing_busy', message: 'Thing 1 is busy', name: 'DemoError' });
    expect(error.details).toEqual([{ field: 'id', rule: 'busy', message: 'busy' }]);
    expect(new DemoError(DemoErrorCode.ThingNotFound, 'x').kind).toBe('not_found');
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
