import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import { withRecordingDefaults } from 'src/sinch/svaml/recording-defaults';

const defaults = { destinationUrl: 's3://bucket/calls/', credentials: 'AK:SECRET:eu-central-1', format: 'wav' };

describe('withRecordingDefaults', () => {
  it('fills a startRecording that names no destination, keeping its own options', () => {
    const doc = buildSvaml(svaml.continue(), svaml.say('hi'), svaml.startRecording({ transcriptionOptions: { enabled: true } }));
    expect(withRecordingDefaults(doc, defaults).instructions).toEqual([
      { name: 'say', text: 'hi' },
      {
        name: 'startRecording',
        options: {
          destinationUrl: 's3://bucket/calls/',
          credentials: 'AK:SECRET:eu-central-1',
          format: 'wav',
          notificationEvents: true,
          transcriptionOptions: { enabled: true },
        },
      },
    ]);
  });

  it('leaves an explicit destination (and its credentials) alone, and a document without startRecording as it is', () => {
    const own = buildSvaml(svaml.continue(), svaml.startRecording({ destination: 's3://theirs/', notificationEvents: false, format: 'mp3' }));
    expect(withRecordingDefaults(own, defaults).instructions?.[0]).toEqual({
      name: 'startRecording',
      options: { destination: 's3://theirs/', notificationEvents: false, format: 'mp3' },
    });
    const none = buildSvaml(svaml.hangup(), svaml.say('bye'));
    expect(withRecordingDefaults(none, defaults)).toBe(none);
    expect(withRecordingDefaults(own, undefined)).toBe(own);
  });
});
