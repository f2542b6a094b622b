import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { databaseUrl, TEST_POSTGRES_URL } from './test-env';

// One database per test run, created empty here; the first app booted applies the migrations, as in production.
export default async function globalSetup(): Promise<void> {
  const name = `cc_test_${process.pid}_${Date.now()}`;
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  process.env.TEST_DATABASE_NAME = name;
  process.env.TEST_DATABASE_URL = databaseUrl(name);
  // The run's BullMQ prefixes (runQueuePrefix): the teardown deletes their keys.
  process.env.TEST_RUN_TAG = randomUUID().slice(0, 8);
}
