import { MigrationInterface, QueryRunner } from 'typeorm';

// Numbers and inbound routing: the numbers the Sinch account owns with their routes, the route audit trail,
// caller-id pools, cached number rates, and the route an inbound call took.
export class Numbers1795480000000 implements MigrationInterface {
  name = 'Numbers1795480000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "phone_numbers" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "number" text NOT NULL,
        "country" character(2),
        "number_type" text,
        "capability" text NOT NULL DEFAULT 'voice',
        "application_key" text,
        "status" text NOT NULL DEFAULT 'active',
        "routing" jsonb,
        "route_disabled_reason" text,
        "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "released_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_phone_numbers" PRIMARY KEY ("id"),
        CONSTRAINT "ck_phone_numbers_status" CHECK ("status" IN ('active', 'released'))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_phone_numbers_number" ON "phone_numbers" ("number")`);
    await queryRunner.query(`CREATE INDEX "ix_phone_numbers_created" ON "phone_numbers" ("created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_phone_numbers_updated" ON "phone_numbers" ("updated_at")`);

    await queryRunner.query(`
      CREATE TABLE "number_route_audits" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "number_id" uuid NOT NULL,
        "number" text NOT NULL,
        "actor" text NOT NULL,
        "change" text NOT NULL,
        "before" jsonb,
        "after" jsonb,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_number_route_audits" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_number_route_audits_number" ON "number_route_audits" ("number_id", "at")`);

    await queryRunner.query(`
      CREATE TABLE "caller_id_pools" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "numbers" text array NOT NULL,
        "exclude_flagged" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_caller_id_pools" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_caller_id_pools_name" ON "caller_id_pools" ("name")`);

    await queryRunner.query(`
      CREATE TABLE "number_rates" (
        "number" text NOT NULL,
        "country" character(2),
        "number_type" text,
        "rate_amount" numeric(18,6),
        "rate_currency" character(3),
        "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_number_rates" PRIMARY KEY ("number")
      )`);

    await queryRunner.query(`ALTER TABLE "calls" ADD "inbound_route" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "calls" DROP COLUMN "inbound_route"`);
    await queryRunner.query(`DROP TABLE "number_rates"`);
    await queryRunner.query(`DROP INDEX "uq_caller_id_pools_name"`);
    await queryRunner.query(`DROP TABLE "caller_id_pools"`);
    await queryRunner.query(`DROP INDEX "ix_number_route_audits_number"`);
    await queryRunner.query(`DROP TABLE "number_route_audits"`);
    await queryRunner.query(`DROP INDEX "ix_phone_numbers_updated"`);
    await queryRunner.query(`DROP INDEX "ix_phone_numbers_created"`);
    await queryRunner.query(`DROP INDEX "uq_phone_numbers_number"`);
    await queryRunner.query(`DROP TABLE "phone_numbers"`);
  }
}
