import { CalloutBatchPipe, itemProblems, MAX_BATCH_CALLS } from './callout-batch.pipe';

const tts = (o: Record<string, unknown> = {}) => ({ type: 'tts', destination: '+46701234567', text: 'Hello', ...o });

describe('CalloutBatchPipe', () => {
  const pipe = new CalloutBatchPipe();
  const problems = (value: unknown) =>
    pipe.transform(value).then(
      () => [],
      (error: { details?: { field: string; rule: string; message: string }[] }) => error.details ?? [],
    );

  it('answers one DTO per item, in order', async () => {
    const dtos = await pipe.transform({ calls: [tts(), { type: 'conference', destination: '+46701234568', conferenceId: 'room' }] });
    expect(dtos.map((d) => d.type)).toEqual(['tts', 'conference']);
  });

  it('names every broken item by its index, with the rule, and keeps the message readable', async () => {
    expect(await problems({ calls: [tts(), tts({ destination: 'nope' }), tts({ text: 'x'.repeat(601), dtmf: 'z' })] })).toEqual([
      expect.objectContaining({ field: 'calls[1].destination', rule: 'isDialableNumber', message: expect.stringMatching(/^calls\[1\]\.destination /) }),
      expect.objectContaining({ field: 'calls[2].text', rule: 'maxLength' }),
      expect.objectContaining({ field: 'calls[2].dtmf', rule: 'matches' }),
    ]);
  });

  it.each([
    ['not an object', 'calls', 'body', 'isObject'],
    ['no calls', {}, 'calls', 'isArray'],
    ['an empty list', { calls: [] }, 'calls', 'arrayMinSize'],
    ['too many', { calls: Array.from({ length: MAX_BATCH_CALLS + 1 }, () => tts()) }, 'calls', 'arrayMaxSize'],
    ['an unknown field', { calls: [tts()], extra: 1 }, 'extra', 'unknown_field'],
  ])('refuses %s', async (_what, value, field, rule) => {
    expect(await problems(value)).toEqual([expect.objectContaining({ field, rule })]);
  });

  it('prefixes a problem without a field with the item alone', () => {
    expect(itemProblems(4, [{ field: '', rule: 'invalid', message: 'bad' }])).toEqual([{ field: 'calls[4]', rule: 'invalid', message: 'calls[4]: bad' }]);
  });
});
