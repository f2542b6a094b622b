import { MigrationInterface, QueryRunner } from 'typeorm';

// Inbound queues and the callers waiting in them (one entry per call, kept as the queue's history).
export class Queues1795908675102 implements MigrationInterface {
  name = 'Queues1795908675102';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "queues" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "greeting" text,
        "hold_prompt" text NOT NULL,
        "locale" text,
        "announce_position" boolean NOT NULL DEFAULT false,
        "announce_every_s" integer,
        "max_waiting" integer,
        "max_wait_s" integer,
        "overflow_when_full" jsonb,
        "overflow_after_wait" jsonb,
        "service_level_s" integer NOT NULL DEFAULT 20,
        "service_level_percent" integer NOT NULL DEFAULT 80,
        "wrap_up_s" integer NOT NULL DEFAULT 0,
        "agent_answer_timeout_s" integer NOT NULL DEFAULT 20,
        "no_answer_status" text NOT NULL DEFAULT 'away',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_queues" PRIMARY KEY ("id"),
        CONSTRAINT "ck_queues_no_answer_status" CHECK ("no_answer_status" IN ('away', 'available'))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_queues_name" ON "queues" ("name")`);
    await queryRunner.query(`
      CREATE TABLE "queue_entries" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "queue_id" uuid NOT NULL,
        "sinch_call_id" text NOT NULL,
        "from_number" text,
        "dialled" text,
        "entry_route" text NOT NULL,
        "overflowed_from" uuid,
        "priority" integer NOT NULL DEFAULT 0,
        "state" text NOT NULL DEFAULT 'waiting',
        "enqueued_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "parked_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "parks" integer NOT NULL DEFAULT 1,
        "agent_id" uuid,
        "agent_call_id" uuid,
        "offered_at" TIMESTAMP WITH TIME ZONE,
        "answered_at" TIMESTAMP WITH TIME ZONE,
        "ended_at" TIMESTAMP WITH TIME ZONE,
        "wait_ms" integer,
        "end_reason" text,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_queue_entries" PRIMARY KEY ("id"),
        CONSTRAINT "ck_queue_entries_state" CHECK ("state" IN ('waiting', 'offered', 'connected', 'completed', 'abandoned', 'removed', 'overflowed', 'failed')),
        CONSTRAINT "fk_queue_entries_queue" FOREIGN KEY ("queue_id") REFERENCES "queues"("id") ON DELETE RESTRICT
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_queue_entries_sinch_call" ON "queue_entries" ("sinch_call_id")`);
    await queryRunner.query(`CREATE INDEX "ix_queue_entries_queue_state" ON "queue_entries" ("queue_id", "state", "priority", "enqueued_at")`);
    await queryRunner.query(`CREATE INDEX "ix_queue_entries_state_parked" ON "queue_entries" ("state", "parked_at")`);
    await queryRunner.query(`CREATE INDEX "ix_queue_entries_enqueued" ON "queue_entries" ("enqueued_at")`);
    await queryRunner.query(`CREATE INDEX "ix_queue_entries_overflowed_from" ON "queue_entries" ("overflowed_from", "enqueued_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "queue_entries"`);
    await queryRunner.query(`DROP TABLE "queues"`);
  }
}
