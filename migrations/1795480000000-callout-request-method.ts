import { MigrationInterface, QueryRunner } from 'typeorm';

// calls.request of a callout becomes one union keyed by the Sinch client method: { method, request, customExtra? }
// instead of { sinch, customExtra? } with the method implied by calls.kind.
export class CalloutRequestMethod1795480000000 implements MigrationInterface {
  name = 'CalloutRequestMethod1795480000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE "calls" SET "request" = jsonb_build_object(
          'method', CASE "kind" WHEN 'tts' THEN 'ttsCallout' WHEN 'conference' THEN 'conferenceCallout' ELSE 'customCallout' END,
          'request', "request" -> 'sinch')
        || CASE WHEN "request" ? 'customExtra' THEN jsonb_build_object('customExtra', "request" -> 'customExtra') ELSE '{}'::jsonb END
      WHERE "request" ? 'sinch' AND "kind" IN ('tts', 'conference', 'custom')`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE "calls" SET "request" = jsonb_build_object('sinch', "request" -> 'request')
        || CASE WHEN "request" ? 'customExtra' THEN jsonb_build_object('customExtra', "request" -> 'customExtra') ELSE '{}'::jsonb END
      WHERE "request" ? 'method' AND "request" ? 'request'`);
  }
}
