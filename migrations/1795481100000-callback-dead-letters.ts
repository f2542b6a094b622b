import { MigrationInterface, QueryRunner } from 'typeorm';

// Signed callbacks Postgres cannot store as they are (NUL, unpaired surrogates, values out of a column's range):
// kept aside with the reason, never retried, counted on /metrics.
export class CallbackDeadLetters1795481100000 implements MigrationInterface {
  name = 'CallbackDeadLetters1795481100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "callback_dead_letters" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "dedupe_key" text NOT NULL,
        "kind" text,
        "sinch_call_id" text,
        "call_id" uuid,
        "field" text,
        "reason" text NOT NULL,
        "body" text NOT NULL,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_callback_dead_letters" PRIMARY KEY ("id")
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX "uq_callback_dead_letters_dedupe_key" ON "callback_dead_letters" ("dedupe_key")');
    await queryRunner.query('CREATE INDEX "ix_callback_dead_letters_received" ON "callback_dead_letters" ("received_at")');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "callback_dead_letters"');
  }
}
