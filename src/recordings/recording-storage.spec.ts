import { parseLocation, s3Credentials } from 'src/recordings/recording-storage.service';
import { parseTranscript } from 'src/recordings/recording-ledger.service';

describe('recording locations', () => {
  it('accepts files under the local destination only', () => {
    expect(parseLocation('file:///var/rec/a/1.wav', 'file:///var/rec/')).toEqual({ kind: 'file', path: '/var/rec/a/1.wav' });
    for (const bad of ['file:///var/other/1.wav', 'file:///var/rec/../etc/passwd', 'file:///var/rec', 's3://b/k']) {
      expect(() => parseLocation(bad, 'file:///var/rec/')).toThrow('outside RECORDINGS_DESTINATION');
    }
  });

  it('accepts keys under the destination bucket and prefix only', () => {
    expect(parseLocation('s3://rec/calls/x-1.wav', 's3://rec/calls/')).toEqual({ kind: 's3', bucket: 'rec', key: 'calls/x-1.wav' });
    for (const bad of ['s3://other/calls/x.wav', 's3://rec/elsewhere/x.wav', 's3://rec/calls/../x.wav', 'file:///tmp/x.wav']) {
      expect(() => parseLocation(bad, 's3://rec/calls/')).toThrow('outside RECORDINGS_DESTINATION');
    }
  });

  it('reads Sinch credentials', () => {
    expect(s3Credentials('AK:SE/CR+ET:eu-central-1')).toEqual({ accessKeyId: 'AK', secretAccessKey: 'SE/CR+ET', region: 'eu-central-1' });
  });
});

describe('parseTranscript', () => {
  it.each([
    ['{"text":"hello","locale":"en-US"}', { text: 'hello', locale: 'en-US' }],
    ['{"transcript":"hi there"}', { text: 'hi there', locale: null }],
    ['{"results":[{"text":"one"},{"text":"two"}],"locale":"sv-SE"}', { text: 'one two', locale: 'sv-SE' }],
  ])('%s', (raw, expected) => {
    expect(parseTranscript(raw)).toEqual(expected);
  });

  it('refuses a file with no text', () => {
    expect(() => parseTranscript('{"foo":1}')).toThrow('no text');
  });
});
