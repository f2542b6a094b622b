import { Column, Entity, PrimaryColumn } from 'typeorm';

// Sinch's queryNumber answer for one number, kept until `expiresAt` (NUMBERS_RATE_TTL_H): the rates endpoint and
// the cost estimates read it without asking Sinch each time. Money as numeric with its currency.
@Entity('number_rates')
export class NumberRate {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_number_rates' })
  number: string;

  @Column({ type: 'char', length: 2, nullable: true })
  country: string | null;

  @Column({ type: 'text', nullable: true })
  numberType: string | null;

  @Column({ type: 'numeric', precision: 18, scale: 6, nullable: true })
  rateAmount: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  rateCurrency: string | null;

  @Column({ type: 'timestamptz' })
  fetchedAt: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;
}
