import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ConfigError } from 'src/config/load-config';

// Any fixed 64-bit number: all replicas take the same lock, so only one runs migrations at a time.
const MIGRATION_LOCK_ID = 72_410_553_001;

export async function createDatabaseIfMissing(url: string, logger: Logger): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) return;
  const probe = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error; // 3D000 = invalid_catalog_name
  } finally {
    await probe.end().catch(() => undefined);
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    logger.log(`Created database "${name}"`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42P04') throw error; // created meanwhile by another replica
  } finally {
    await client.end();
  }
}

export async function runMigrationsLocked(dataSource: DataSource, logger: Logger): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) logger.log(`Applied migrations: ${applied.map((m) => m.name).join(', ')}`);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await runner.release();
  }
}

// Turns the two errors a newcomer meets first into one line that says what to do.
export function explainConnectionError(error: unknown): Error {
  const code = (error as { code?: string }).code;
  if (code === '3D000') {
    return new ConfigError('The database in DATABASE_URL does not exist: create it (createdb) or set DATABASE_CREATE_IF_MISSING=true');
  }
  if (code === 'ECONNREFUSED') {
    return new ConfigError('Cannot reach PostgreSQL at DATABASE_URL (connection refused): is it running?');
  }
  return error instanceof Error ? error : new Error(String(error));
}
