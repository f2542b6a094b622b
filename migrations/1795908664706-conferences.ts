import { MigrationInterface, QueryRunner } from 'typeorm';

// Conference rooms, their sessions, the participants of each session and each session's timeline.
export class Conferences1795908664706 implements MigrationInterface {
  name = 'Conferences1795908664706';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "conference_rooms" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "sinch_conference_id" character varying(64) NOT NULL,
        "participant_pin" text,
        "moderator_pin" text,
        "music_on_hold" text NOT NULL DEFAULT 'music1',
        "max_participants" integer NOT NULL DEFAULT 50,
        "join_muted" boolean NOT NULL DEFAULT false,
        "wait_for_moderator" boolean NOT NULL DEFAULT false,
        "end_when_moderator_leaves" boolean NOT NULL DEFAULT false,
        "open_from" TIMESTAMP WITH TIME ZONE,
        "open_until" TIMESTAMP WITH TIME ZONE,
        "locked" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_conference_rooms" PRIMARY KEY ("id"),
        CONSTRAINT "ck_conference_rooms_max" CHECK ("max_participants" >= 1)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_conference_rooms_sinch_id" ON "conference_rooms" ("sinch_conference_id")`);
    await queryRunner.query(`CREATE INDEX "ix_conference_rooms_created" ON "conference_rooms" ("created_at", "id")`);

    await queryRunner.query(`
      CREATE TABLE "conference_sessions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "room_id" uuid NOT NULL,
        "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "ended_at" TIMESTAMP WITH TIME ZONE,
        "peak_participants" integer NOT NULL DEFAULT 0,
        CONSTRAINT "pk_conference_sessions" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_conference_sessions_open" ON "conference_sessions" ("room_id") WHERE "ended_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "ix_conference_sessions_room" ON "conference_sessions" ("room_id", "started_at")`);

    await queryRunner.query(`
      CREATE TABLE "conference_participants" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "room_id" uuid NOT NULL,
        "session_id" uuid,
        "call_id" uuid,
        "sinch_call_id" text,
        "number" text,
        "role" text NOT NULL,
        "direction" text NOT NULL,
        "joined_at" TIMESTAMP WITH TIME ZONE,
        "left_at" TIMESTAMP WITH TIME ZONE,
        "leave_reason" text,
        "muted" boolean NOT NULL DEFAULT false,
        "on_hold" boolean NOT NULL DEFAULT false,
        "held_for_moderator" boolean NOT NULL DEFAULT false,
        "duration_s" integer,
        "debit_amount" numeric(18,6),
        "debit_currency" character(3),
        CONSTRAINT "pk_conference_participants" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_conference_participants_session" ON "conference_participants" ("session_id", "joined_at")`);
    await queryRunner.query(`CREATE INDEX "ix_conference_participants_room_open" ON "conference_participants" ("room_id") WHERE "left_at" IS NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_conference_participants_sinch_call" ON "conference_participants" ("sinch_call_id")`);
    await queryRunner.query(`CREATE INDEX "ix_conference_participants_call" ON "conference_participants" ("call_id")`);

    await queryRunner.query(`
      CREATE TABLE "conference_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "room_id" uuid NOT NULL,
        "session_id" uuid,
        "participant_id" uuid,
        "type" text NOT NULL,
        "api_key_id" uuid,
        "data" jsonb NOT NULL DEFAULT '{}',
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_conference_events" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_conference_events_session" ON "conference_events" ("session_id", "at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "conference_events"`);
    await queryRunner.query(`DROP TABLE "conference_participants"`);
    await queryRunner.query(`DROP TABLE "conference_sessions"`);
    await queryRunner.query(`DROP TABLE "conference_rooms"`);
  }
}
