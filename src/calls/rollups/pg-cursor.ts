import type { Pool } from 'pg';

const FETCH_ROWS = 1000;

// Reports read a few thousand roll-up rows, but their plans' estimated cost (unions of tiers, a zone read in the
// statement) can pass jit_above_cost: compiling the plan then takes 50-150 ms, longer than running it. Reports and
// exports run with JIT off, set for their own transaction only.
const READ_ONLY_NO_JIT = 'BEGIN READ ONLY; SET LOCAL jit = off';

// One statement's rows in a read-only transaction without JIT (see above).
export async function readRows<Row>(pool: Pool, sql: string, params: unknown[]): Promise<Row[]> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query(READ_ONLY_NO_JIT);
    const { rows } = await client.query<Row & object>(sql, params);
    return rows as Row[];
  } finally {
    // A broken connection (the ROLLBACK fails) is dropped from the pool instead of reused.
    await client.query('ROLLBACK').catch(() => (failed = true));
    client.release(failed ? true : undefined);
  }
}

// Rows of a query in batches through a server-side cursor (one pool connection, one read-only transaction), so a
// million-row export holds one batch in memory. Stopping early (a client gone) closes the cursor.
export async function* cursorRows<Row>(pool: Pool, sql: string, params: unknown[]): AsyncGenerator<Row[]> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query(READ_ONLY_NO_JIT);
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
