import type { Pool } from 'pg';

const FETCH_ROWS = 1000;

// Rows of a query in batches through a server-side cursor (one pool connection, one read-only transaction), so a
// million-row export holds one batch in memory. Stopping early (a client gone) closes the cursor.
export async function* cursorRows<Row>(pool: Pool, sql: string, params: unknown[]): AsyncGenerator<Row[]> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`DECLARE export_cursor NO SCROLL CURSOR FOR ${sql}`, params);
    for (;;) {
      const { rows } = await client.query<Row & object>(`FETCH ${FETCH_ROWS} FROM export_cursor`);
      if (rows.length === 0) break;
      yield rows as Row[];
      if (rows.length < FETCH_ROWS) break;
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // ROLLBACK also closes the cursor; a broken connection is dropped from the pool instead of reused.
    await client.query('ROLLBACK').catch(() => (failed = true));
    client.release(failed ? true : undefined);
  }
}
