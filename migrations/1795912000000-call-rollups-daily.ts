import { MigrationInterface, QueryRunner } from 'typeorm';

// The daily tier of the cost-report roll-ups (src/calls/rollups): call_rollups summed per local day of one zone
// (call_rollups_settings.day_zone, REPORTS_DAY_ZONE; UTC here), kept by statement-level triggers on call_rollups, so
// every writer of the hourly tier (the finalise statements, the drift repair) keeps the daily tier in the same
// statement. A 30-day report then reads ~30 rows per key instead of ~720.
const DIMS = '"campaign_id", "queue_id", "conference_id", "country", "caller_id", "number_dialled", "direction", "state", "result", "agent_id", "currency"';
const MEASURES = ['calls', 'placed', 'answered', 'talked', 'talk_s', 'billed_minutes', 'spend'];

export class CallRollupsDaily1795912000000 implements MigrationInterface {
  name = 'CallRollupsDaily1795912000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "call_rollups_settings" (
        "id" boolean NOT NULL DEFAULT true,
        "day_zone" text NOT NULL,
        CONSTRAINT "pk_call_rollups_settings" PRIMARY KEY ("id"),
        CONSTRAINT "ck_call_rollups_settings_one" CHECK ("id")
      )`);
    await queryRunner.query(`INSERT INTO "call_rollups_settings" ("day_zone") VALUES ('UTC')`);
    await queryRunner.query(`
      CREATE TABLE "call_rollups_daily" (
        "day" date NOT NULL,
        "campaign_id" text NOT NULL, "queue_id" text NOT NULL, "conference_id" text NOT NULL, "country" text NOT NULL,
        "caller_id" text NOT NULL, "number_dialled" text NOT NULL, "direction" text NOT NULL, "state" text NOT NULL,
        "result" text NOT NULL, "agent_id" text NOT NULL, "currency" text NOT NULL,
        "calls" bigint NOT NULL DEFAULT '0', "placed" bigint NOT NULL DEFAULT '0', "answered" bigint NOT NULL DEFAULT '0',
        "talked" bigint NOT NULL DEFAULT '0', "talk_s" bigint NOT NULL DEFAULT '0', "billed_minutes" bigint NOT NULL DEFAULT '0',
        "spend" numeric(24,6) NOT NULL DEFAULT '0',
        CONSTRAINT "pk_call_rollups_daily" PRIMARY KEY ("day", ${DIMS})
      )`);
    const sums = MEASURES.map((m) => `sum(${m})`).join(', ');
    const upsert = (source: string) => `
      INSERT INTO call_rollups_daily (day, ${DIMS}, ${MEASURES.join(', ')})
      SELECT day, ${DIMS}, ${sums} FROM (${source}) d GROUP BY day, ${DIMS}
      HAVING ${MEASURES.map((m) => `sum(${m}) <> 0`).join(' OR ')}
      ORDER BY day, ${DIMS}
      ON CONFLICT (day, ${DIMS}) DO UPDATE SET ${MEASURES.map((m) => `${m} = call_rollups_daily.${m} + excluded.${m}`).join(', ')};`;
    const rows = (table: string, sign: string) =>
      `SELECT (${table}.bucket AT TIME ZONE z)::date AS day, ${DIMS}, ${MEASURES.map((m) => `${sign}${m} AS ${m}`).join(', ')} FROM ${table}`;
    // One function for the three events: an insert adds the new rows, a delete takes the old ones out, an update
    // (the upserts' ON CONFLICT branch) adds new minus old. Sums are grouped and upserted in key order.
    await queryRunner.query(`
      CREATE FUNCTION call_rollups_to_daily() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE z text := (SELECT day_zone FROM call_rollups_settings);
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${upsert(rows('new_rows', ''))}
        ELSIF TG_OP = 'DELETE' THEN
          ${upsert(rows('old_rows', '-'))}
        ELSE
          ${upsert(`${rows('new_rows', '')} UNION ALL ${rows('old_rows', '-')}`)}
        END IF;
        RETURN NULL;
      END $fn$`);
    await queryRunner.query(`CREATE TRIGGER call_rollups_daily_ins AFTER INSERT ON call_rollups REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION call_rollups_to_daily()`);
    await queryRunner.query(`CREATE TRIGGER call_rollups_daily_upd AFTER UPDATE ON call_rollups REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION call_rollups_to_daily()`);
    await queryRunner.query(`CREATE TRIGGER call_rollups_daily_del AFTER DELETE ON call_rollups REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION call_rollups_to_daily()`);
    await queryRunner.query(`
      INSERT INTO call_rollups_daily (day, ${DIMS}, ${MEASURES.join(', ')})
      SELECT (bucket AT TIME ZONE 'UTC')::date, ${DIMS}, ${sums} FROM call_rollups GROUP BY 1, ${DIMS}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER call_rollups_daily_del ON call_rollups');
    await queryRunner.query('DROP TRIGGER call_rollups_daily_upd ON call_rollups');
    await queryRunner.query('DROP TRIGGER call_rollups_daily_ins ON call_rollups');
    await queryRunner.query('DROP FUNCTION call_rollups_to_daily()');
    await queryRunner.query('DROP TABLE "call_rollups_daily"');
    await queryRunner.query('DROP TABLE "call_rollups_settings"');
  }
}
