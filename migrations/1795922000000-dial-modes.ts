import { MigrationInterface, QueryRunner } from 'typeorm';

// Campaign dial modes (agentless | progressive | predictive) with their settings and the predictive dialer's last
// decision; queue entries that carry a campaign callee to an agent (campaign, whisper, context, own give-up time).
export class DialModes1795922000000 implements MigrationInterface {
  name = 'DialModes1795922000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Existing campaigns are agentless; new rows always get their settings from the service (no default kept:
    // Postgres re-spells a jsonb literal, which the entities-and-migrations check would see as a change).
    await queryRunner.query(
      `ALTER TABLE "campaigns" ADD "dialing" jsonb NOT NULL DEFAULT '{"mode":"agentless","queueId":null,"abandonCapPercent":3,"capOverrideReason":null,"connectDelayS":2,"abandonMessage":null}'`,
    );
    await queryRunner.query(`ALTER TABLE "campaigns" ALTER COLUMN "dialing" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "dial_decision" jsonb`);
    await queryRunner.query(`ALTER TABLE "queue_entries" ADD "campaign_id" uuid`);
    await queryRunner.query(`ALTER TABLE "queue_entries" ADD "whisper" text`);
    await queryRunner.query(`ALTER TABLE "queue_entries" ADD "context" jsonb`);
    await queryRunner.query(`ALTER TABLE "queue_entries" ADD "give_up_after_ms" integer`);
    await queryRunner.query(`ALTER TABLE "queue_entries" ADD "give_up_text" text`);
    await queryRunner.query(`CREATE INDEX "ix_queue_entries_campaign" ON "queue_entries" ("campaign_id", "enqueued_at") WHERE "campaign_id" IS NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "ix_queue_entries_give_up" ON "queue_entries" ("enqueued_at") WHERE "give_up_after_ms" IS NOT NULL AND "state" IN ('waiting', 'offered')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_queue_entries_give_up"`);
    await queryRunner.query(`DROP INDEX "ix_queue_entries_campaign"`);
    for (const column of ['give_up_text', 'give_up_after_ms', 'context', 'whisper', 'campaign_id']) {
      await queryRunner.query(`ALTER TABLE "queue_entries" DROP COLUMN "${column}"`);
    }
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "dial_decision"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "dialing"`);
  }
}
