import { MigrationInterface, QueryRunner } from 'typeorm';

export class CallEvents1795460100000 implements MigrationInterface {
  name = 'CallEvents1795460100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "call_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "dedupe_key" text NOT NULL,
        "sinch_call_id" text,
        "call_id" uuid,
        "kind" text NOT NULL,
        "event_at" TIMESTAMP WITH TIME ZONE,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "payload" jsonb NOT NULL,
        "via" text NOT NULL DEFAULT 'webhook',
        "processed_at" TIMESTAMP WITH TIME ZONE,
        "follow_up_attempts" integer NOT NULL DEFAULT 0,
        CONSTRAINT "pk_call_events" PRIMARY KEY ("id"),
        CONSTRAINT "ck_call_events_kind" CHECK ("kind" IN ('ice', 'ace', 'dice', 'pie', 'notify', 'reconciled')),
        CONSTRAINT "ck_call_events_via" CHECK ("via" IN ('webhook', 'redis', 'reconciler'))
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX "uq_call_events_dedupe_key" ON "call_events" ("dedupe_key")');
    await queryRunner.query('CREATE INDEX "ix_call_events_call" ON "call_events" ("call_id", "received_at")');
    await queryRunner.query('CREATE INDEX "ix_call_events_sinch_call" ON "call_events" ("sinch_call_id", "received_at")');
    await queryRunner.query('CREATE INDEX "ix_call_events_pending" ON "call_events" ("received_at") WHERE "processed_at" IS NULL');

    await queryRunner.query('ALTER TABLE "calls" ADD "reconcile_checked_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('CREATE INDEX "ix_calls_from_number" ON "calls" ("from_number", "created_at")');
    await queryRunner.query('CREATE INDEX "ix_calls_unreconciled" ON "calls" ("created_at") WHERE "final_source" IS NULL AND "sinch_call_id" IS NOT NULL');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_calls_unreconciled"');
    await queryRunner.query('DROP INDEX "ix_calls_from_number"');
    await queryRunner.query('ALTER TABLE "calls" DROP COLUMN "reconcile_checked_at"');
    await queryRunner.query('DROP TABLE "call_events"');
  }
}
