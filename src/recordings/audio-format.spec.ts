import { audioDurationS, contentTypeOf, parseRange } from 'src/recordings/audio-format';

function wav(seconds: number, sampleRate = 8000): Buffer {
  const data = Math.round(seconds * sampleRate * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data, 40);
  return h;
}

describe('audio format', () => {
  it('reads a WAV duration from its header', () => {
    expect(audioDurationS(wav(12.5), 44 + 200_000)).toBeCloseTo(12.5, 3);
  });

  it('reads an MP3 duration from the first frame bitrate', () => {
    const frame = Buffer.from([0xff, 0xfb, 0x90, 0x64]); // MPEG-1 layer III, 128 kbps, 44.1 kHz
    expect(audioDurationS(frame, 160_000)).toBeCloseTo(10, 3);
  });

  it('knows nothing of other bytes', () => {
    expect(audioDurationS(Buffer.from('hello world'), 11)).toBeNull();
  });

  it('names the content type by extension, else by format', () => {
    expect(contentTypeOf('s3://b/a.wav', 'mp3')).toBe('audio/wav');
    expect(contentTypeOf('file:///x/a.mp3', 'wav')).toBe('audio/mpeg');
    expect(contentTypeOf('file:///x/a', 'wav')).toBe('audio/wav');
  });

  it.each([
    [undefined, null],
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=100-', { start: 100, end: 999 }],
    ['bytes=-10', { start: 990, end: 999 }],
    ['bytes=900-5000', { start: 900, end: 999 }],
    ['bytes=1000-1001', 'unsatisfiable'],
    ['bytes=5-2', 'unsatisfiable'],
    ['bytes=0-1,5-9', null],
    ['items=0-1', null],
  ])('range %s over 1000 bytes', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });
});
