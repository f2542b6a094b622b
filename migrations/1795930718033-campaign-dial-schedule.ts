import { MigrationInterface, QueryRunner } from 'typeorm';

// Campaign pacing becomes a schedule (each call its own moment, see src/campaigns/scheduling/pacing.ts) instead of a
// token bucket: the schedule's next free moment replaces the bucket's tokens and time.
export class CampaignDialSchedule1795930718033 implements MigrationInterface {
  name = 'CampaignDialSchedule1795930718033';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "pacing_tokens"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "pacing_at"`);
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "next_dial_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "next_dial_at"`);
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "pacing_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "pacing_tokens" double precision`);
  }
}
