import { Client } from 'pg';
import { deleteRedisKeys, runQueuePrefix, TEST_POSTGRES_URL, TEST_REDIS_URL } from './test-env';

// The run's database and its BullMQ keys (every app's prefix starts with the run's): nothing is left behind.
export default async function globalTeardown(): Promise<void> {
  const name = process.env.TEST_DATABASE_NAME;
  if (name) {
    const client = new Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  }
  if (process.env.TEST_RUN_TAG) await deleteRedisKeys(TEST_REDIS_URL, runQueuePrefix());
}
