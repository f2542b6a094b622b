import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// Finished calls summed per UTC hour and per every dimension a cost report groups by, kept in the statement that
// finalises a call (call-rollup-sql.ts). Dimensions are text, '' for none, so the unique key needs no NULL rules.
// caller_id is the number an outbound call showed and number_dialled the number of ours an inbound call reached:
// the party's own number (a contact, a caller) would make a row per call.
@Entity('call_rollups')
@Index(
  'uq_call_rollups_key',
  ['bucket', 'campaignId', 'queueId', 'conferenceId', 'country', 'callerId', 'numberDialled', 'direction', 'state', 'result', 'agentId', 'currency'],
  { unique: true },
)
@Index('ix_call_rollups_campaign', ['campaignId'], { where: `"campaign_id" <> ''` })
export class CallRollup {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', primaryKeyConstraintName: 'pk_call_rollups' })
  id: string;

  // The hour (UTC) the call was created in: hourly buckets make exact days, weeks and months in any whole-hour zone.
  @Column({ type: 'timestamptz' })
  bucket: Date;

  @Column({ type: 'text', default: '' }) campaignId: string;
  @Column({ type: 'text', default: '' }) queueId: string;
  @Column({ type: 'text', default: '' }) conferenceId: string;
  @Column({ type: 'text', default: '' }) country: string;
  @Column({ type: 'text', default: '' }) callerId: string;
  @Column({ type: 'text', default: '' }) numberDialled: string;
  @Column({ type: 'text' }) direction: string;
  @Column({ type: 'text' }) state: string;
  @Column({ type: 'text', default: '' }) result: string;
  // No call has an agent yet (queues will set it); kept in the key so reports need no migration then.
  @Column({ type: 'text', default: '' }) agentId: string;
  @Column({ type: 'text', default: '' }) currency: string;

  @Column({ type: 'bigint', default: 0 }) calls: string;
  // Accepted by Sinch (the call has a Sinch call id).
  @Column({ type: 'bigint', default: 0 }) placed: string;
  @Column({ type: 'bigint', default: 0 }) answered: string;
  // Calls with a duration over zero (the average talk time's denominator).
  @Column({ type: 'bigint', default: 0 }) talked: string;
  @Column({ type: 'bigint', default: 0 }) talkS: string;
  // Per started minute, as Sinch bills.
  @Column({ type: 'bigint', default: 0 }) billedMinutes: string;
  @Column({ type: 'numeric', precision: 24, scale: 6, default: 0 }) spend: string;
}
