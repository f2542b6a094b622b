import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { storableText } from 'src/callbacks/inbox/storable';
import { Metrics } from 'src/metrics/metrics';

export interface DeadLetter {
  dedupeKey: string;
  kind?: string;
  sinchCallId?: string;
  callId?: string;
  field?: string;
  reason: string;
  // The raw body as received (it is JSON text, storable once NUL and unpaired surrogates are replaced).
  body: string;
  receivedAt: Date;
  // Billing refused while the event itself was recorded: the call row says so in error_message.
  markCall?: boolean;
}

export type DeadLetterReason = 'unstorable_text' | 'out_of_range' | 'billing_out_of_range' | 'refused_by_database' | 'unparseable';

// Signed callbacks Postgres cannot store as they are: kept in callback_dead_letters with the reason, logged at
// error, counted (sinch_callbacks_dead_lettered_total, alert on any increase). Never retried.
@Injectable()
export class DeadLetters {
  private readonly logger = new Logger('DeadLetters');
  private readonly counter: Counter<'event' | 'reason'>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    metrics: Metrics,
  ) {
    this.counter = new Counter({
      name: 'sinch_callbacks_dead_lettered_total',
      help: 'Signed callbacks Postgres cannot store as they are, kept in callback_dead_letters (alert on any increase)',
      labelNames: ['event', 'reason'] as const,
      registers: [metrics.registry],
    });
  }

  // Returns the dead letter's id (the existing one for a re-delivery of the same event).
  async store(letter: DeadLetter, reason: DeadLetterReason): Promise<string> {
    const text = (value: string | undefined) => (value === undefined ? null : storableText(value));
    const message = `Billing not recorded: ${text(letter.reason)}`;
    const [row] = (await this.dataSource.query(
      `WITH dl AS (
         INSERT INTO callback_dead_letters (dedupe_key, kind, sinch_call_id, call_id, field, reason, body, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (dedupe_key) DO UPDATE SET dedupe_key = EXCLUDED.dedupe_key
         RETURNING id
       ), marked AS (
         UPDATE calls SET error_message = $10 || ' (dead letter ' || (SELECT id FROM dl) || ')', updated_at = now()
         WHERE $9 AND id = $4
       )
       SELECT id FROM dl`,
      [
        text(letter.dedupeKey),
        text(letter.kind),
        text(letter.sinchCallId),
        letter.callId ?? null,
        text(letter.field),
        text(letter.reason) ?? '',
        storableText(letter.body),
        letter.receivedAt,
        letter.markCall === true,
        message,
      ],
    )) as { id: string }[];
    this.counter.inc({ event: letter.kind ?? 'unknown', reason });
    // The call id and the field name the problem; the body stays in the table (it carries phone numbers).
    // A database's own message may quote the value: it stays in the table, the log gets the category.
    const why = reason === 'refused_by_database' ? 'refused by Postgres' : text(letter.reason);
    this.logger.error(
      { deadLetterId: row.id, event: letter.kind, callId: letter.callId, sinchCallId: text(letter.sinchCallId), field: text(letter.field), reason },
      `Callback dead-lettered (${reason}): ${text(letter.field) ?? 'body'} ${why}`,
    );
    return row.id;
  }
}
