import { MigrationInterface, QueryRunner } from 'typeorm';

// A campaign may show caller ids from a caller-id pool (`cli: { pool }`, by name) instead of its own list: a local
// number per contact. Then its caller-id list is empty; the pool is checked when the campaign is saved.
export class CampaignCallerIdPool1795917828885 implements MigrationInterface {
  name = 'CampaignCallerIdPool1795917828885';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "campaigns" ADD "caller_id_pool" text');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "campaigns" DROP COLUMN "caller_id_pool"');
  }
}
