import { MigrationInterface, QueryRunner } from 'typeorm';

// A caller a queue's overflow forwards to a number (rung into the caller's room, like an agent): the number, so the
// entry counts as overflowed and a forward nobody answers ends the call instead of putting the caller back in line.
export class QueueEntryForwards1795921000000 implements MigrationInterface {
  name = 'QueueEntryForwards1795921000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "queue_entries" ADD COLUMN IF NOT EXISTS "forwarded_to" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "queue_entries" DROP COLUMN "forwarded_to"`);
  }
}
