import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mp3Audio, uploadRecording, wavAudio } from 'src/simulator/calls/recording-files';

describe('simulated recording files', () => {
  it('a WAV of the recorded length: PCM mono 8 kHz, header sizes matching the data', () => {
    const wav = wavAudio(2.5);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt32LE(40)).toBe(2.5 * 8000 * 2);
    expect(wav.subarray(44).some((b) => b !== 0)).toBe(true); // a tone, not silence
  });

  it('an MP3 of the recorded length: whole 128 kbps frames', () => {
    const mp3 = mp3Audio(10);
    expect(mp3.length % 417).toBe(0);
    expect(mp3.subarray(0, 4)).toEqual(Buffer.from([0xff, 0xfb, 0x90, 0x64]));
    expect(((mp3.length / 417) * 1152) / 44_100).toBeCloseTo(10, 1);
  });

  it('writes a file:// destination, and has nowhere to write an s3:// one without an endpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-rec-'));
    try {
      expect(await uploadRecording(`file://${dir}/a/b.wav`, Buffer.from('x'), 'audio/wav', {})).toBe(true);
      expect(readFileSync(join(dir, 'a', 'b.wav'), 'utf8')).toBe('x');
      expect(await uploadRecording('s3://bucket/b.wav', Buffer.from('x'), 'audio/wav', { credentials: 'a:b:c' })).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
