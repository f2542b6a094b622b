import { MigrationInterface, QueryRunner } from 'typeorm';

export class IdempotencyKeys1795460000000 implements MigrationInterface {
  name = 'IdempotencyKeys1795460000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "idempotency_keys" (
        "scope" text NOT NULL,
        "key" text NOT NULL,
        "request_hash" character(64) NOT NULL,
        "status_code" integer,
        "response" jsonb,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_idempotency_keys" PRIMARY KEY ("scope", "key")
      )`);
    await queryRunner.query('CREATE INDEX "ix_idempotency_keys_created" ON "idempotency_keys" ("created_at")');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "idempotency_keys"');
  }
}
