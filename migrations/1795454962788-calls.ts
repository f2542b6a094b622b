import { MigrationInterface, QueryRunner } from 'typeorm';

export class Calls1795454962788 implements MigrationInterface {
  name = 'Calls1795454962788';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "calls" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "sinch_call_id" text,
        "direction" text NOT NULL,
        "kind" text NOT NULL,
        "state" text NOT NULL DEFAULT 'queued',
        "from_number" text,
        "to_number" text,
        "country" character(2),
        "domain" text,
        "result" text,
        "reason" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "initiated_at" TIMESTAMP WITH TIME ZONE,
        "answered_at" TIMESTAMP WITH TIME ZONE,
        "ended_at" TIMESTAMP WITH TIME ZONE,
        "duration_s" integer,
        "debit_amount" numeric(18,6),
        "debit_currency" character(3),
        "rate_amount" numeric(18,6),
        "rate_currency" character(3),
        "custom" text,
        "campaign_id" uuid,
        "contact_id" uuid,
        "queue_id" uuid,
        "conference_id" text,
        "final_source" text,
        "request" jsonb,
        "dial_attempts" integer NOT NULL DEFAULT 0,
        "dial_started_at" TIMESTAMP WITH TIME ZONE,
        "error_code" integer,
        "error_message" text,
        CONSTRAINT "pk_calls" PRIMARY KEY ("id"),
        CONSTRAINT "ck_calls_direction" CHECK ("direction" IN ('outbound', 'inbound')),
        CONSTRAINT "ck_calls_kind" CHECK ("kind" IN ('tts', 'conference', 'custom', 'inbound')),
        CONSTRAINT "ck_calls_state" CHECK ("state" IN ('queued', 'initiated', 'ringing', 'answered', 'completed', 'busy', 'no_answer', 'failed', 'cancelled'))
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX "uq_calls_sinch_call_id" ON "calls" ("sinch_call_id") WHERE "sinch_call_id" IS NOT NULL');
    await queryRunner.query('CREATE INDEX "ix_calls_created" ON "calls" ("created_at", "id")');
    await queryRunner.query('CREATE INDEX "ix_calls_state_created" ON "calls" ("state", "created_at")');
    await queryRunner.query('CREATE INDEX "ix_calls_campaign" ON "calls" ("campaign_id", "created_at") WHERE "campaign_id" IS NOT NULL');
    await queryRunner.query('CREATE INDEX "ix_calls_to_number" ON "calls" ("to_number", "created_at")');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "calls"');
  }
}
