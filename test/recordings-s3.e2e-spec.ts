import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
// s3rver ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => { run(): Promise<AddressInfo>; close(): Promise<void> };
import { DataSource } from 'typeorm';
import { getBytes, placeCallout, readWav, waitCallState, waitRecordings } from './recordings-kit';
import { createTestApp, type TestApp } from './test-app';

// The S3 path against a real S3-compatible server (s3rver, from npm) started here: the simulator uploads with
// the credentials our startRecording carried, the service reads (HEAD, ranged GET) and deletes with
// @aws-sdk/client-s3 through the endpoint override, path-style.
describe('recordings (e2e, S3-compatible storage)', () => {
  let t: TestApp;
  let s3: { close(): Promise<void> };
  let client: S3Client;
  let dir: string;
  const CREDENTIALS = 'S3RVER:S3RVER:us-east-1'; // s3rver's built-in account; it checks the signatures

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'recordings-s3-'));
    const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: 'cc-recordings' }] });
    const address = await server.run();
    s3 = server;
    const endpoint = `http://127.0.0.1:${address.port}`;
    client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    t = await createTestApp({
      RECORDINGS_DESTINATION: 's3://cc-recordings/calls/',
      RECORDINGS_CREDENTIALS: CREDENTIALS,
      RECORDINGS_S3_ENDPOINT: endpoint,
      FREQUENCY_CAP_CALLS: '1000',
    });
  });

  afterAll(async () => {
    await t?.close();
    client?.destroy();
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a recorded callout lands in the bucket, streams with ranges, and DELETE removes the object', async () => {
    const callId = await placeCallout(t, { type: 'tts', destination: '+46701234562', text: 'Recorded to S3', record: true });
    const [rec] = await waitRecordings(t, callId, ['available']);
    expect(rec.location).toMatch(/^s3:\/\/cc-recordings\/calls\/.+\.wav$/);
    const key = (rec.location as string).replace('s3://cc-recordings/', '');
    const head = await client.send(new HeadObjectCommand({ Bucket: 'cc-recordings', Key: key }));
    expect(head.ContentLength).toBe(rec.sizeBytes);

    const whole = await getBytes(t, `/api/v1/recordings/${rec.id}/media`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(readWav(whole.bytes).seconds).toBeCloseTo(rec.durationS as number, 2);
    const part = await getBytes(t, `/api/v1/recordings/${rec.id}/media`, { range: 'bytes=44-143' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 44-143/${whole.bytes.length}`);
    expect(part.bytes.equals(whole.bytes.subarray(44, 144))).toBe(true);
    expect((await getBytes(t, `/api/v1/recordings/${rec.id}/media`, { range: `bytes=${whole.bytes.length + 10}-` })).status).toBe(416);

    // The credentials never reach an API answer.
    const detail = await t.request('GET', `/api/v1/recordings/${rec.id}`);
    expect(detail.text).not.toContain('S3RVER');
    const call = await t.request('GET', `/api/v1/calls/${callId}`);
    expect(call.status).toBe(200);
    expect(call.text).not.toContain('S3RVER');

    expect((await t.request('DELETE', `/api/v1/recordings/${rec.id}`)).status).toBe(200);
    await expect(client.send(new HeadObjectCommand({ Bucket: 'cc-recordings', Key: key }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect((await t.request('DELETE', `/api/v1/recordings/${rec.id}`)).status).toBe(409);
    await waitCallState(t.app.get(DataSource), callId, ['completed']);
  });
});
