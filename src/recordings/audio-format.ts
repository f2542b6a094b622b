// What we can tell about a recording from its first bytes: its duration (WAV: data size / byte rate; MP3: size
// over the first frame's bitrate, exact for the constant bitrate Sinch and the simulator write).
export const AUDIO_HEADER_BYTES = 4096;

const MP3_BITRATES_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];

export function contentTypeOf(location: string, format: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(location)?.[1]?.toLowerCase() ?? format;
  return ext === 'mp3' ? 'audio/mpeg' : ext === 'wav' ? 'audio/wav' : 'application/octet-stream';
}

export function audioDurationS(header: Buffer, totalBytes: number): number | null {
  if (header.length >= 12 && header.toString('ascii', 0, 4) === 'RIFF' && header.toString('ascii', 8, 12) === 'WAVE') {
    return wavDuration(header);
  }
  return mp3Duration(header, totalBytes);
}

function wavDuration(header: Buffer): number | null {
  let byteRate: number | undefined;
  for (let at = 12; at + 8 <= header.length;) {
    const id = header.toString('ascii', at, at + 4);
    const size = header.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 20 <= header.length) byteRate = header.readUInt32LE(at + 16);
    if (id === 'data') return byteRate ? size / byteRate : null;
    at += 8 + size + (size % 2);
  }
  return null;
}

function mp3Duration(header: Buffer, totalBytes: number): number | null {
  let at = 0;
  // An ID3v2 tag: 10 bytes of header, then a syncsafe size.
  if (header.length >= 10 && header.toString('ascii', 0, 3) === 'ID3') {
    at = 10 + ((header[6] << 21) | (header[7] << 14) | (header[8] << 7) | header[9]);
  }
  if (at + 4 > header.length || header[at] !== 0xff || (header[at + 1] & 0xe0) !== 0xe0) return null;
  const mpeg1Layer3 = (header[at + 1] & 0x1e) === 0x1a;
  const kbps = MP3_BITRATES_KBPS[header[at + 2] >> 4];
  if (!mpeg1Layer3 || !kbps) return null;
  return ((totalBytes - at) * 8) / (kbps * 1000);
}

// A single `bytes=start-end` / `bytes=start-` / `bytes=-suffix` range over a file of `size` bytes; null when the
// header is absent or has a form we do not serve (several ranges: the whole file is sent, as RFC 9110 allows);
// 'unsatisfiable' when it starts past the end.
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
