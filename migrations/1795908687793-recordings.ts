import { MigrationInterface, QueryRunner } from 'typeorm';

// Recordings (one row per segment, tombstoned on erasure), their access log and the recording policies.
export class Recordings1795908687793 implements MigrationInterface {
  name = 'Recordings1795908687793';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "recordings" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "call_id" uuid,
        "sinch_call_id" text NOT NULL,
        "conference_id" text,
        "queue_id" uuid,
        "campaign_id" uuid,
        "agent_id" text,
        "segment" integer NOT NULL,
        "format" text NOT NULL,
        "status" text NOT NULL DEFAULT 'recording',
        "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "finished_at" TIMESTAMP WITH TIME ZONE,
        "available_at" TIMESTAMP WITH TIME ZONE,
        "duration_s" numeric(12,3),
        "size_bytes" bigint,
        "location" text,
        "transcript_text" text,
        "transcript_locale" text,
        "transcript_location" text,
        "legal_hold" boolean NOT NULL DEFAULT false,
        "retain_until" TIMESTAMP WITH TIME ZONE,
        "erased_at" TIMESTAMP WITH TIME ZONE,
        "erased_by" text,
        "erase_reason" text,
        "timeline" jsonb NOT NULL DEFAULT '[]',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "uq_recordings_call_segment" UNIQUE ("sinch_call_id", "segment"),
        CONSTRAINT "ck_recordings_status" CHECK (status IN ('recording', 'finished', 'available', 'failed', 'missing')),
        CONSTRAINT "pk_recordings" PRIMARY KEY ("id")
      )`);
    await queryRunner.query('CREATE INDEX "ix_recordings_call" ON "recordings" ("call_id")');
    await queryRunner.query('CREATE INDEX "ix_recordings_started" ON "recordings" ("started_at")');
    await queryRunner.query(`
      CREATE TABLE "recording_access_log" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "recording_id" uuid NOT NULL,
        "action" text NOT NULL,
        "key_id" uuid,
        "key_name" text,
        "range" text,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "ck_recording_access_action" CHECK (action IN ('listen', 'erase', 'retention_erase', 'legal_hold_on', 'legal_hold_off')),
        CONSTRAINT "pk_recording_access_log" PRIMARY KEY ("id")
      )`);
    await queryRunner.query('CREATE INDEX "ix_recording_access_recording" ON "recording_access_log" ("recording_id", "at")');
    await queryRunner.query(`
      CREATE TABLE "recording_policies" (
        "target_type" text NOT NULL,
        "target_id" text NOT NULL,
        "mode" text NOT NULL,
        "opt_out" boolean NOT NULL DEFAULT false,
        "notice" text,
        "retention_days" integer,
        "transcribe" boolean NOT NULL DEFAULT false,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "ck_recording_policies_mode" CHECK (mode IN ('off', 'on', 'consent')),
        CONSTRAINT "ck_recording_policies_target" CHECK (target_type IN ('campaign', 'route', 'queue', 'conference')),
        CONSTRAINT "pk_recording_policies" PRIMARY KEY ("target_type", "target_id")
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "recording_policies"');
    await queryRunner.query('DROP TABLE "recording_access_log"');
    await queryRunner.query('DROP TABLE "recordings"');
  }
}
