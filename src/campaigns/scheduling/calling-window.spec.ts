import { isOpen, nextOpening, openZones, windowProblems, type CallingWindow } from 'src/campaigns/scheduling/calling-window';
import { canonicalTimeZone, localTime } from 'src/common/zoned-time';

const weekdays9to20: CallingWindow = { days: [1, 2, 3, 4, 5], start: '09:00', end: '20:00' };

describe('calling window', () => {
  it('reads local wall-clock time and weekday in a zone', () => {
    // 2025-03-10 is a Monday; 13:30 UTC is 09:30 in New York (EDT since 2025-03-09) and 14:30 in Stockholm.
    const at = new Date('2025-03-10T13:30:00Z');
    expect(localTime('America/New_York', at)).toEqual({ year: 2025, month: 3, day: 10, weekday: 1, minuteOfDay: 9 * 60 + 30 });
    expect(localTime('Europe/Stockholm', at).minuteOfDay).toBe(14 * 60 + 30);
    expect(localTime('Pacific/Auckland', at)).toMatchObject({ day: 11, weekday: 2 });
  });

  it('is open inside the hours on listed days only, start inclusive and end exclusive', () => {
    expect(isOpen(weekdays9to20, 'Europe/Stockholm', new Date('2025-03-10T08:00:00Z'))).toBe(true); // Mon 09:00
    expect(isOpen(weekdays9to20, 'Europe/Stockholm', new Date('2025-03-10T07:59:00Z'))).toBe(false); // Mon 08:59
    expect(isOpen(weekdays9to20, 'Europe/Stockholm', new Date('2025-03-10T19:00:00Z'))).toBe(false); // Mon 20:00
    expect(isOpen(weekdays9to20, 'Europe/Stockholm', new Date('2025-03-15T12:00:00Z'))).toBe(false); // Saturday
  });

  it('evaluates each contact in its own zone', () => {
    const at = new Date('2025-03-10T15:00:00Z'); // 16:00 Stockholm, 11:00 New York, 08:00 Los Angeles, 04:00 Tokyo (Tue)
    expect(openZones(weekdays9to20, ['Europe/Stockholm', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo'], at)).toEqual([
      'Europe/Stockholm',
      'America/New_York',
    ]);
  });

  it('allows a window to the end of the day with 24:00', () => {
    const late: CallingWindow = { days: [1], start: '22:00', end: '24:00' };
    expect(isOpen(late, 'UTC', new Date('2025-03-10T23:59:00Z'))).toBe(true);
    expect(isOpen(late, 'UTC', new Date('2025-03-11T00:00:00Z'))).toBe(false);
  });

  describe('next opening', () => {
    it('is now when open', () => {
      const at = new Date('2025-03-10T10:00:00Z');
      expect(nextOpening(weekdays9to20, 'Europe/Stockholm', at)).toBe(at);
    });

    it('is later today before the start', () => {
      expect(nextOpening(weekdays9to20, 'Europe/Stockholm', new Date('2025-03-10T05:00:00Z')).toISOString()).toBe('2025-03-10T08:00:00.000Z');
    });

    it('is the next listed day after the end, skipping the weekend', () => {
      // Friday 21:00 Stockholm → Monday 09:00 Stockholm.
      expect(nextOpening(weekdays9to20, 'Europe/Stockholm', new Date('2025-03-14T20:00:00Z')).toISOString()).toBe('2025-03-17T08:00:00.000Z');
    });

    it('is a week later when only today is listed and today is over', () => {
      const mondays: CallingWindow = { days: [1], start: '09:00', end: '10:00' };
      expect(nextOpening(mondays, 'UTC', new Date('2025-03-10T11:00:00Z')).toISOString()).toBe('2025-03-17T09:00:00.000Z');
    });

    it('follows daylight saving changes', () => {
      // New York moves to EDT on Sunday 2025-03-09: 09:00 is 14:00Z on Friday the 7th, 13:00Z on Monday the 10th.
      expect(nextOpening(weekdays9to20, 'America/New_York', new Date('2025-03-07T02:00:00Z')).toISOString()).toBe('2025-03-07T14:00:00.000Z');
      expect(nextOpening(weekdays9to20, 'America/New_York', new Date('2025-03-08T02:00:00Z')).toISOString()).toBe('2025-03-10T13:00:00.000Z');
    });

    it('opens after the jump when the start falls in a DST gap', () => {
      const night: CallingWindow = { days: [7], start: '02:30', end: '05:00' };
      // Sunday 2025-03-09 02:30 does not exist in New York; 03:00 EDT (07:00Z) is the first open minute past it.
      const opening = nextOpening(night, 'America/New_York', new Date('2025-03-09T05:00:00Z'));
      expect(isOpen(night, 'America/New_York', opening)).toBe(true);
      expect(opening.getTime()).toBeGreaterThan(new Date('2025-03-09T05:00:00Z').getTime());
      expect(opening.getTime()).toBeLessThanOrEqual(new Date('2025-03-09T07:30:00Z').getTime());
    });

    it('handles zones ahead of UTC across the date line', () => {
      // Friday 2025-03-14 21:00 Auckland (08:00Z): next is Monday 09:00 NZDT = Sunday 20:00Z.
      expect(nextOpening(weekdays9to20, 'Pacific/Auckland', new Date('2025-03-14T08:00:00Z')).toISOString()).toBe('2025-03-16T20:00:00.000Z');
    });
  });

  describe('validation', () => {
    it('accepts a good window', () => {
      expect(windowProblems(weekdays9to20)).toEqual([]);
    });

    it.each([
      [{ start: '20:00', end: '09:00' }, 'end', /must be after start/],
      [{ start: '09:00', end: '09:00' }, 'end', /must be after start/],
      [{ start: '9:00', end: '20:00' }, 'start', /HH:MM/],
      [{ start: '09:00', end: '25:00' }, 'end', /HH:MM/],
      [{ start: '24:00', end: '24:00' }, 'start', /HH:MM/],
    ])('rejects %j naming %s', (times, field, message) => {
      const problems = windowProblems({ days: [1], ...times });
      expect(problems.find((p) => p.field === field)?.message).toMatch(message);
    });

    it('needs at least one day', () => {
      expect(windowProblems({ days: [], start: '09:00', end: '10:00' })).toEqual([{ field: 'days', message: expect.stringMatching(/at least one/) }]);
    });
  });

  describe('time zone names', () => {
    it('accepts IANA zones, fixing case but keeping modern names', () => {
      expect(canonicalTimeZone('Europe/Stockholm')).toBe('Europe/Stockholm');
      expect(canonicalTimeZone('europe/stockholm')).toBe('Europe/Stockholm');
      expect(canonicalTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
      expect(canonicalTimeZone('UTC')).toBe('UTC');
    });

    it.each(['Mars/Olympus_Mons', '', 'Europe/Stockholm ', 'x'.repeat(100)])('rejects %p', (zone) => {
      expect(canonicalTimeZone(zone)).toBeUndefined();
    });
  });
});
