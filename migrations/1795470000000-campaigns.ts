import { MigrationInterface, QueryRunner } from 'typeorm';

export class Campaigns1795470000000 implements MigrationInterface {
  name = 'Campaigns1795470000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "campaigns" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "status" text NOT NULL DEFAULT 'draft',
        "status_reason" text,
        "caller_ids" text array NOT NULL,
        "locale" text NOT NULL DEFAULT 'en-US',
        "message" jsonb NOT NULL,
        "machine_action" text NOT NULL DEFAULT 'hangup',
        "machine_message" text,
        "calling_window" jsonb NOT NULL,
        "default_time_zone" text NOT NULL,
        "calls_per_second" numeric(10,3) NOT NULL,
        "max_concurrent" integer NOT NULL,
        "retry_policy" jsonb NOT NULL,
        "spend_cap_amount" numeric(18,6),
        "spend_cap_currency" character(3),
        "start_at" TIMESTAMP WITH TIME ZONE,
        "end_at" TIMESTAMP WITH TIME ZONE,
        "pacing_tokens" double precision,
        "pacing_at" TIMESTAMP WITH TIME ZONE,
        "dial_sequence" bigint NOT NULL DEFAULT 0,
        "spent_amount" numeric(18,6) NOT NULL DEFAULT 0,
        "created_by" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "started_at" TIMESTAMP WITH TIME ZONE,
        "finished_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_campaigns" PRIMARY KEY ("id"),
        CONSTRAINT "ck_campaigns_status" CHECK ("status" IN ('draft', 'running', 'paused', 'completed', 'cancelled')),
        CONSTRAINT "ck_campaigns_machine_action" CHECK ("machine_action" IN ('message', 'hangup')),
        CONSTRAINT "ck_campaigns_pacing" CHECK ("calls_per_second" > 0 AND "max_concurrent" > 0),
        CONSTRAINT "ck_campaigns_spend_cap" CHECK (("spend_cap_amount" IS NULL) = ("spend_cap_currency" IS NULL))
      )`);
    await queryRunner.query('CREATE INDEX "ix_campaigns_created" ON "campaigns" ("created_at", "id")');
    await queryRunner.query(`CREATE INDEX "ix_campaigns_active" ON "campaigns" ("status") WHERE "status" IN ('running', 'paused')`);

    await queryRunner.query(`
      CREATE TABLE "campaign_contacts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "campaign_id" uuid NOT NULL,
        "phone" text NOT NULL,
        "country" character(2),
        "time_zone" text NOT NULL,
        "time_zone_source" text NOT NULL,
        "attributes" jsonb NOT NULL DEFAULT '{}',
        "status" text NOT NULL DEFAULT 'pending',
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_result" text,
        "last_call_id" uuid,
        "last_attempt_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_campaign_contacts" PRIMARY KEY ("id"),
        CONSTRAINT "ck_campaign_contacts_status"
          CHECK ("status" IN ('pending', 'in_progress', 'completed', 'failed', 'exhausted', 'dnc', 'skipped')),
        CONSTRAINT "ck_campaign_contacts_time_zone_source" CHECK ("time_zone_source" IN ('contact', 'country', 'campaign_default')),
        CONSTRAINT "fk_campaign_contacts_campaign" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX "uq_campaign_contacts_phone" ON "campaign_contacts" ("campaign_id", "phone")');
    await queryRunner.query(
      `CREATE INDEX "ix_campaign_contacts_due" ON "campaign_contacts" ("campaign_id", "time_zone", "next_attempt_at") WHERE "status" = 'pending'`,
    );
    await queryRunner.query(`CREATE INDEX "ix_campaign_contacts_in_progress" ON "campaign_contacts" ("campaign_id") WHERE "status" = 'in_progress'`);

    await queryRunner.query(`
      CREATE TABLE "campaign_attempts" (
        "call_id" uuid NOT NULL,
        "campaign_id" uuid NOT NULL,
        "contact_id" uuid NOT NULL,
        "attempt" integer NOT NULL,
        "outcome" text NOT NULL,
        "contact_status" text NOT NULL,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE,
        "settled_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_campaign_attempts" PRIMARY KEY ("call_id"),
        CONSTRAINT "fk_campaign_attempts_campaign" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query('CREATE INDEX "ix_campaign_attempts_campaign" ON "campaign_attempts" ("campaign_id", "settled_at")');

    await queryRunner.query(`
      CREATE TABLE "dnc_entries" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "phone" text NOT NULL,
        "campaign_id" uuid,
        "source" text NOT NULL,
        "reason" text,
        "added_by" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_dnc_entries" PRIMARY KEY ("id"),
        CONSTRAINT "ck_dnc_entries_source" CHECK ("source" IN ('api', 'opt_out', 'import')),
        CONSTRAINT "fk_dnc_entries_campaign" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX "uq_dnc_entries_global_phone" ON "dnc_entries" ("phone") WHERE "campaign_id" IS NULL');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_dnc_entries_campaign_phone" ON "dnc_entries" ("campaign_id", "phone") WHERE "campaign_id" IS NOT NULL');
    await queryRunner.query('CREATE INDEX "ix_dnc_entries_created" ON "dnc_entries" ("created_at", "id")');

    await queryRunner.query(`
      CREATE TABLE "dnc_audit" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "action" text NOT NULL,
        "phone" text NOT NULL,
        "campaign_id" uuid,
        "source" text NOT NULL,
        "reason" text,
        "actor" text NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_dnc_audit" PRIMARY KEY ("id"),
        CONSTRAINT "ck_dnc_audit_action" CHECK ("action" IN ('added', 'updated', 'removed')),
        CONSTRAINT "ck_dnc_audit_source" CHECK ("source" IN ('api', 'opt_out', 'import'))
      )`);
    await queryRunner.query('CREATE INDEX "ix_dnc_audit_phone" ON "dnc_audit" ("phone", "at")');
    await queryRunner.query('CREATE INDEX "ix_dnc_audit_at" ON "dnc_audit" ("at", "id")');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "dnc_audit"');
    await queryRunner.query('DROP TABLE "dnc_entries"');
    await queryRunner.query('DROP TABLE "campaign_attempts"');
    await queryRunner.query('DROP TABLE "campaign_contacts"');
    await queryRunner.query('DROP TABLE "campaigns"');
  }
}
