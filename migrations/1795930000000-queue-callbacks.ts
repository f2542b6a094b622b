import { MigrationInterface, QueryRunner } from 'typeorm';

const OLD_STATES = `'waiting', 'offered', 'connected', 'completed', 'abandoned', 'removed', 'overflowed', 'failed'`;

// Callback instead of waiting: a queue's callback settings; an entry's callback offer, request, call and answer; two
// states (callback_requested: the caller hung up keeping their place; calling_back: their callback is ringing).
export class QueueCallbacks1795930000000 implements MigrationInterface {
  name = 'QueueCallbacks1795930000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "queues" ADD COLUMN IF NOT EXISTS "callback" jsonb`);
    await queryRunner.query(
      `ALTER TABLE "queue_entries" ADD COLUMN IF NOT EXISTS "callback_offered_at" timestamptz, ADD COLUMN IF NOT EXISTS "callback_requested_at" timestamptz,
         ADD COLUMN IF NOT EXISTS "callback_call_id" uuid, ADD COLUMN IF NOT EXISTS "callback_answered_at" timestamptz`,
    );
    await queryRunner.query(`ALTER TABLE "queue_entries" DROP CONSTRAINT "ck_queue_entries_state"`);
    await queryRunner.query(
      `ALTER TABLE "queue_entries" ADD CONSTRAINT "ck_queue_entries_state" CHECK ("state" IN (${OLD_STATES}, 'callback_requested', 'calling_back'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "queue_entries" DROP CONSTRAINT "ck_queue_entries_state"`);
    await queryRunner.query(`ALTER TABLE "queue_entries" ADD CONSTRAINT "ck_queue_entries_state" CHECK ("state" IN (${OLD_STATES}))`);
    await queryRunner.query(
      `ALTER TABLE "queue_entries" DROP COLUMN "callback_offered_at", DROP COLUMN "callback_requested_at", DROP COLUMN "callback_call_id", DROP COLUMN "callback_answered_at"`,
    );
    await queryRunner.query(`ALTER TABLE "queues" DROP COLUMN "callback"`);
  }
}
