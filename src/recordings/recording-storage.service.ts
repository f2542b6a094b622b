import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, S3Client } from '@aws-sdk/client-s3';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { RecordingsError } from './recordings.errors';
import { AppConfig } from 'src/config/app-config';

export type StoredLocation = { kind: 's3'; bucket: string; key: string } | { kind: 'file'; path: string };

export class StoredObjectMissing extends Error {}

// Reads `s3://bucket/key` and `file:///path` locations. Only places under RECORDINGS_DESTINATION are accepted:
// a location comes from a Notify callback, and must never let anyone read another bucket or any local file.
export function parseLocation(location: string, destination: string): StoredLocation {
  const outside = () => new RecordingsError('invalid_recording_location', `Recording location ${location} is outside RECORDINGS_DESTINATION`);
  if (destination.startsWith('file://')) {
    if (!location.startsWith('file://')) throw outside();
    const root = resolve(fileURLToPath(destination));
    const path = resolve(fileURLToPath(location));
    if (!path.startsWith(root + sep)) throw outside();
    return { kind: 'file', path };
  }
  const dest = /^s3:\/\/([^/]+)\/?(.*)$/.exec(destination);
  const loc = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  if (!dest || !loc || loc[1] !== dest[1] || !loc[2].startsWith(dest[2]) || loc[2].split('/').includes('..')) throw outside();
  return { kind: 's3', bucket: loc[1], key: loc[2] };
}

// Parses Sinch's `accessKeyId:secretAccessKey:region` credentials.
export function s3Credentials(credentials: string): { accessKeyId: string; secretAccessKey: string; region: string } {
  const [accessKeyId, secretAccessKey, region] = credentials.split(':');
  return { accessKeyId, secretAccessKey, region };
}

// Where Sinch put the recordings: an S3-compatible bucket (AWS, MinIO ...; endpoint override and path-style for
// the latter) or, in simulator mode, a local directory.
@Injectable()
export class RecordingStorage implements OnModuleDestroy {
  private s3?: S3Client;

  constructor(private readonly config: AppConfig) {}

  onModuleDestroy(): void {
    this.s3?.destroy();
  }

  get format(): string {
    return this.config.recordings.format;
  }

  locate(location: string): StoredLocation {
    return parseLocation(location, this.config.recordings.destination);
  }

  // Size in bytes, or null when the object is not there.
  async size(location: string): Promise<number | null> {
    const at = this.locate(location);
    try {
      if (at.kind === 'file') return (await stat(at.path)).size;
      const head = await this.client().send(new HeadObjectCommand({ Bucket: at.bucket, Key: at.key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  // Bytes start..end inclusive (the whole object when no range).
  async read(location: string, range?: { start: number; end: number }): Promise<Readable> {
    const at = this.locate(location);
    try {
      if (at.kind === 'file') return createReadStream(at.path, range ? { start: range.start, end: range.end } : {});
      const out = await this.client().send(
        new GetObjectCommand({ Bucket: at.bucket, Key: at.key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return out.Body as Readable;
    } catch (error) {
      if (isMissing(error)) throw new StoredObjectMissing(location);
      throw error;
    }
  }

  async readText(location: string): Promise<string> {
    const at = this.locate(location);
    if (at.kind === 'file') return readFile(at.path, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of await this.read(location)) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }

  // Deleting what is already gone is fine (a retried erasure).
  async delete(location: string): Promise<void> {
    const at = this.locate(location);
    if (at.kind === 'file') return rm(at.path, { force: true });
    await this.client().send(new DeleteObjectCommand({ Bucket: at.bucket, Key: at.key }));
  }

  private client(): S3Client {
    const { credentials, s3 } = this.config.recordings;
    if (!credentials) throw new RecordingsError('recordings_storage_unavailable', 'RECORDINGS_CREDENTIALS is not set: recordings in S3 cannot be read');
    const { accessKeyId, secretAccessKey } = s3Credentials(credentials);
    this.s3 ??= new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: s3.pathStyle,
      credentials: { accessKeyId, secretAccessKey },
    });
    return this.s3;
  }
}

function isMissing(error: unknown): boolean {
  if (error instanceof NoSuchKey || error instanceof NotFound) return true;
  const e = error as { code?: string; name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.code === 'ENOENT' || e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
