import { conferenceRecordingMarker, recordingAceAnswer, RECORDING_KEY, ttsRecordingMarker } from './callout-recording';
import type { CallCustomExtra } from 'src/calls/call-custom';
import { validateSvaml } from 'src/sinch/svaml/svaml.validator';

describe('recordingAceAnswer', () => {
  it('starts recording and continues a tts callout', () => {
    const answer = recordingAceAnswer({ orderId: 'A-1', [RECORDING_KEY]: ttsRecordingMarker() });
    expect(answer).toEqual({ instructions: [{ name: 'startRecording', options: { notificationEvents: true } }], action: { name: 'continue' } });
    expect(validateSvaml(answer, 'ace')).toEqual([]);
  });

  it('starts recording and connects the conference with its options', () => {
    const marker = conferenceRecordingMarker('room-1', 'music2', { mode: 'detect', maxDigits: 2 });
    const answer = recordingAceAnswer({ [RECORDING_KEY]: marker });
    expect(answer?.action).toEqual({ name: 'connectConf', conferenceId: 'room-1', moh: 'music2', conferenceDtmfOptions: { mode: 'detect', maxDigits: 2 } });
    expect(validateSvaml(answer, 'ace')).toEqual([]);
  });

  it.each<[CallCustomExtra | undefined]>([[undefined], [{}], [{ [RECORDING_KEY]: 1 }], [{ [RECORDING_KEY]: '{not json' }], [{ [RECORDING_KEY]: '{"x":1}' }]])(
    'answers nothing for %p',
    (extra) => {
      expect(recordingAceAnswer(extra)).toBeUndefined();
    },
  );
});
