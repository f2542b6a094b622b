import { MigrationInterface, QueryRunner } from 'typeorm';

// Queue agents: how to reach them, their status with its history, the queues they serve with a skill.
export class Agents1795909500000 implements MigrationInterface {
  name = 'Agents1795909500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "agents" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "endpoint_type" text NOT NULL,
        "endpoint" text NOT NULL,
        "status" text NOT NULL DEFAULT 'offline',
        "status_since" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "idle_since" TIMESTAMP WITH TIME ZONE,
        "wrap_up_until" TIMESTAMP WITH TIME ZONE,
        "api_key_id" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_agents" PRIMARY KEY ("id"),
        CONSTRAINT "ck_agents_status" CHECK ("status" IN ('offline', 'available', 'busy', 'wrap_up', 'away')),
        CONSTRAINT "ck_agents_endpoint_type" CHECK ("endpoint_type" IN ('pstn', 'sip', 'user'))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_agents_api_key" ON "agents" ("api_key_id")`);
    await queryRunner.query(`CREATE INDEX "ix_agents_status_idle" ON "agents" ("status", "idle_since")`);
    await queryRunner.query(`
      CREATE TABLE "agent_queues" (
        "agent_id" uuid NOT NULL,
        "queue_id" uuid NOT NULL,
        "skill" integer NOT NULL DEFAULT 1,
        CONSTRAINT "pk_agent_queues" PRIMARY KEY ("agent_id", "queue_id"),
        CONSTRAINT "fk_agent_queues_agent" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_agent_queues_queue" FOREIGN KEY ("queue_id") REFERENCES "queues"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_agent_queues_queue" ON "agent_queues" ("queue_id", "skill")`);
    await queryRunner.query(`
      CREATE TABLE "agent_status_changes" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "agent_id" uuid NOT NULL,
        "status" text NOT NULL,
        "reason" text NOT NULL,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_agent_status_changes" PRIMARY KEY ("id"),
        CONSTRAINT "fk_agent_status_changes_agent" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_agent_status_changes_agent" ON "agent_status_changes" ("agent_id", "at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "agent_status_changes"`);
    await queryRunner.query(`DROP TABLE "agent_queues"`);
    await queryRunner.query(`DROP TABLE "agents"`);
  }
}
