import { DataSource } from 'typeorm';
import type { TestApp } from './test-app';
import { waitFor } from './wait-for';

// Helpers shared by the recordings e2e specs.
export interface RecordingRow {
  id: string;
  status: string;
  segment: number;
  location: string | null;
  durationS: number | null;
  sizeBytes: number | null;
  [field: string]: unknown;
}

export const FINAL = ['completed', 'busy', 'no_answer', 'failed', 'cancelled'];

export async function placeCallout(t: TestApp, body: Record<string, unknown>): Promise<string> {
  const res = await t.request('POST', '/api/v1/callouts', { body });
  if (res.status !== 202) throw new Error(`callout answered ${res.status}: ${res.text}`);
  return res.body.id as string;
}

export async function waitCallState(db: DataSource, id: string, states: string[], timeoutMs = 20_000): Promise<{ state: string; sinch_call_id: string }> {
  return (await waitFor(
    async () => {
      const [row] = (await db.query('SELECT state, sinch_call_id, final_source FROM calls WHERE id = $1', [id])) as {
        state: string;
        sinch_call_id: string;
        final_source: string | null;
      }[];
      return row && states.includes(row.state) && (FINAL.includes(row.state) ? row.final_source : row.sinch_call_id) ? row : undefined;
    },
    timeoutMs,
    () => `call ${id} never reached ${states.join('/')}`,
  )) as { state: string; sinch_call_id: string };
}

export async function recordingsOf(t: TestApp, callId: string): Promise<RecordingRow[]> {
  const res = await t.request('GET', `/api/v1/recordings?callId=${callId}`);
  if (res.status !== 200) throw new Error(`list answered ${res.status}: ${res.text}`);
  return (res.body.items as RecordingRow[]).sort((a, b) => a.segment - b.segment);
}

export async function waitRecordings(t: TestApp, callId: string, statuses: string[], count = 1, timeoutMs = 20_000): Promise<RecordingRow[]> {
  return (await waitFor(
    async () => {
      const rows = await recordingsOf(t, callId);
      return rows.length === count && rows.every((r) => statuses.includes(r.status)) ? rows : undefined;
    },
    timeoutMs,
    () => `call ${callId}: not ${count} recording(s) ${statuses.join('/')}`,
  )) as RecordingRow[];
}

export async function getBytes(
  t: TestApp,
  path: string,
  headers: Record<string, string> = {},
  key = t.keys.admin,
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(t.url + path, { headers: { authorization: `Bearer ${key}`, ...headers } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

// A WAV as a player reads it: RIFF/WAVE, PCM format, and a data chunk as long as the file says.
export function readWav(bytes: Buffer): { sampleRate: number; seconds: number } {
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV');
  const format = bytes.readUInt16LE(20);
  const sampleRate = bytes.readUInt32LE(24);
  const byteRate = bytes.readUInt32LE(28);
  const dataSize = bytes.readUInt32LE(40);
  if (format !== 1 || bytes.toString('ascii', 36, 40) !== 'data' || dataSize !== bytes.length - 44) throw new Error('malformed WAV');
  return { sampleRate, seconds: dataSize / byteRate };
}
