import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const WAV_RATE = 8000;
// MPEG-1 layer III, 128 kbps, 44.1 kHz, stereo, no CRC: 417-byte frames of 1152 samples. All-zero side
// information and main data decode as silence, so any player plays it for its length.
const MP3_HEADER = Buffer.from([0xff, 0xfb, 0x90, 0x64]);
const MP3_FRAME_BYTES = 417;
const MP3_FRAME_S = 1152 / 44_100;

// A playable 8 kHz 16-bit mono WAV of `seconds`: a quiet 440 Hz tone (not silence, so it is audibly a recording).
export function wavAudio(seconds: number): Buffer {
  const samples = Math.max(1, Math.round(seconds * WAV_RATE));
  const out = Buffer.alloc(44 + samples * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(WAV_RATE, 24);
  out.writeUInt32LE(WAV_RATE * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) out.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / WAV_RATE)), 44 + i * 2);
  return out;
}

export function mp3Audio(seconds: number): Buffer {
  const frames = Math.max(1, Math.round(seconds / MP3_FRAME_S));
  const out = Buffer.alloc(frames * MP3_FRAME_BYTES);
  for (let f = 0; f < frames; f++) MP3_HEADER.copy(out, f * MP3_FRAME_BYTES);
  return out;
}

export function audioFor(format: string, seconds: number): Buffer {
  return format === 'wav' ? wavAudio(seconds) : mp3Audio(seconds);
}

// Writes where Sinch would upload: `file:///dir/...` (the simulator's local stand-in for a bucket) or
// `s3://bucket/key` through the S3-compatible endpoint the simulator was given, with the credentials the
// startRecording instruction carried (`accessKeyId:secretAccessKey:region`). Returns false when it has nowhere
// real to write (an s3:// destination without an endpoint: the recording stays notional, as before).
export async function uploadRecording(
  destination: string,
  body: Buffer | string,
  contentType: string,
  s3: { endpoint?: string; credentials?: string },
): Promise<boolean> {
  if (destination.startsWith('file://')) {
    const path = fileURLToPath(destination);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    return true;
  }
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(destination);
  if (!m || !s3.endpoint || !s3.credentials) return false;
  const [accessKeyId, secretAccessKey, region] = s3.credentials.split(':');
  const client = new S3Client({ endpoint: s3.endpoint, region: region || 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  try {
    await client.send(new PutObjectCommand({ Bucket: m[1], Key: m[2], Body: body, ContentType: contentType }));
  } finally {
    client.destroy();
  }
  return true;
}
