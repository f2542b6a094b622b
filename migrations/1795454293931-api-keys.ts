import { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeys1795454293931 implements MigrationInterface {
  name = 'ApiKeys1795454293931';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "role" text NOT NULL,
        "key_hash" character(64) NOT NULL,
        "key_prefix" text NOT NULL,
        "created_by" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_api_keys" PRIMARY KEY ("id"),
        CONSTRAINT "ck_api_keys_role" CHECK ("role" IN ('admin', 'supervisor', 'agent', 'reporting'))
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX "uq_api_keys_key_hash" ON "api_keys" ("key_hash")');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "api_keys"');
  }
}
