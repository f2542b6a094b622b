import { isOpenAt, parseBusinessHours } from './business-hours';

const hours = (value: unknown) => parseBusinessHours(value, 'businessHours');
const weekdays = {
  timeZone: 'Europe/Stockholm',
  weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '17:00' }],
  holidays: ['2026-12-24'],
};

describe('business hours', () => {
  const parsed = hours(weekdays).hours!;

  it.each([
    ['a Monday at 08:00 local (07:00 UTC in winter)', '2026-11-30T07:00:00Z', true],
    ['a Monday at 07:59 local', '2026-11-30T06:59:00Z', false],
    ['a Monday at 16:59 local', '2026-11-30T15:59:00Z', true],
    ['a Monday at 17:00 local (close is exclusive)', '2026-11-30T16:00:00Z', false],
    ['a Sunday at noon', '2026-11-29T11:00:00Z', false],
    ['a holiday (Thursday 24 December) at noon', '2026-12-24T11:00:00Z', false],
    ['a summer Monday at 08:30 local (06:30 UTC, DST)', '2026-06-01T06:30:00Z', true],
  ])('%s: open %s', (_name, at, open) => {
    expect(isOpenAt(parsed, new Date(at))).toBe(open);
  });

  it('evaluates the local date of a holiday, not the UTC one', () => {
    const tokyo = hours({
      timeZone: 'Asia/Tokyo',
      weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], open: '00:00', close: '24:00' }],
      holidays: ['2026-12-25'],
    }).hours!;
    expect(isOpenAt(tokyo, new Date('2026-12-24T15:30:00Z'))).toBe(false); // 00:30 on the 25th in Tokyo
    expect(isOpenAt(tokyo, new Date('2026-12-24T14:30:00Z'))).toBe(true);
  });

  it.each([
    ['an unknown zone', { ...weekdays, timeZone: 'Mars/Olympus' }, 'businessHours.timeZone'],
    ['close before open', { ...weekdays, weekly: [{ days: ['mon'], open: '17:00', close: '08:00' }] }, 'businessHours.weekly[0].close'],
    ['close equal to open', { ...weekdays, weekly: [{ days: ['mon'], open: '09:00', close: '09:00' }] }, 'businessHours.weekly[0].close'],
    ['an unknown weekday', { ...weekdays, weekly: [{ days: ['someday'], open: '08:00', close: '09:00' }] }, 'businessHours.weekly[0].days'],
    ['a time that is not HH:MM', { ...weekdays, weekly: [{ days: ['mon'], open: '8am', close: '09:00' }] }, 'businessHours.weekly[0].open'],
    ['no periods', { ...weekdays, weekly: [] }, 'businessHours.weekly'],
    ['a holiday that is not a date', { ...weekdays, holidays: ['2026-02-30'] }, 'businessHours.holidays[0]'],
    ['an unknown field', { ...weekdays, opens: 'sometimes' }, 'businessHours.opens'],
  ])('refuses %s, naming %s', (_name, value, field) => {
    const result = hours(value);
    expect(result.hours).toBeUndefined();
    expect(result.problems.map((p) => p.field)).toContain(field);
  });
});
