import { dtmfMs, filesMs, promptMs, speechMs } from 'src/simulator/calls/prompts';

describe('prompt durations', () => {
  it('speaks about 15 characters a second, at least a second, in whole seconds', () => {
    expect(speechMs('Hi')).toBe(1000);
    expect(speechMs('Hello from the simulator.')).toBe(2000);
    expect(speechMs('x'.repeat(600))).toBe(40_000);
  });

  it('sums prompts split on semicolons outside brackets', () => {
    expect(promptMs('#tts[Welcome; please hold]')).toBe(2000);
    expect(promptMs('#tts[Welcome];#ssml[<speak>Hi</speak>];https://host/file.mp3')).toBe(1000 + 1000 + 3000);
    expect(promptMs(undefined)).toBe(0);
    expect(filesMs(['welcome', '#tts[Hello]'])).toBe(4000);
    expect(dtmfMs('ww1234#')).toBe(2250);
  });
});
