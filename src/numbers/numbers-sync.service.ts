import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { normalizePhoneNumber } from 'src/common/phone-number';
import { SinchCredentials } from 'src/sinch/sinch.module';
import { SinchVoiceClient, type NumberInformation } from 'src/sinch/voice-client';
import type { SyncResponse } from 'src/numbers/dto/sync.response';
import { NumberRates } from './number-rates.service';
import { RouteCache } from 'src/numbers/routing/route-cache.service';
import { sinchFailure } from './sinch-failure';

interface KnownRow {
  id: string;
  number: string;
  number_type: string | null;
  status: 'active' | 'released';
  application_key: string | null;
  capability: string;
  routing: unknown;
}

// Numbers are described (country, type, rate) by queryNumber, this many at a time and at most DESCRIBE_MAX per
// sync: a first sync of a large account answers quickly (the country from the prefix) and later syncs fill in the
// rest (rows whose number_type is still unknown).
const DESCRIBE_CONCURRENCY = 8;
const DESCRIBE_MAX = 200;

// Brings the phone_numbers table in line with Sinch's list of the account's numbers. Nothing is ever deleted: a
// number gone from the list is `released`, its route disabled and flagged (audited), and it leaves every pool.
@Injectable()
export class NumbersSync {
  private readonly logger = new Logger('NumbersSync');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly client: SinchVoiceClient,
    private readonly credentials: SinchCredentials,
    private readonly rates: NumberRates,
    private readonly cache: RouteCache,
  ) {}

  async sync(): Promise<SyncResponse> {
    let listed: NumberInformation[];
    try {
      listed = await this.client.listNumbers();
    } catch (error) {
      throw sinchFailure(error, 'numbers', "Reading the account's numbers failed");
    }
    const inSinch = new Map<string, NumberInformation>();
    for (const n of listed) {
      // Sinch's list is E.164; be lenient with a number written without its plus, as its callbacks do.
      const e164 = n.number.startsWith('+') ? n.number : `+${n.number}`;
      inSinch.set(e164, { ...n, number: e164 });
    }
    const known: KnownRow[] = await this.dataSource.query('SELECT id, number, number_type, status, application_key, capability, routing FROM phone_numbers');
    const knownByNumber = new Map(known.map((k) => [k.number, k]));
    const undescribed = [...inSinch.keys()].filter((n) => !knownByNumber.has(n) || knownByNumber.get(n)?.number_type === null);
    const described = await this.describe(undescribed.slice(0, DESCRIBE_MAX));

    const report = await this.dataSource.transaction(async (manager) => {
      // One sync at a time (the API and the repeatable job may meet); the second sees the first's result.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('numbers-sync'))`);
      const rows: KnownRow[] = await manager.query(
        'SELECT id, number, number_type, status, application_key, capability, routing FROM phone_numbers FOR UPDATE',
      );
      return this.apply(manager, rows, inSinch, described);
    });
    const changed = [...report.released, ...report.returned];
    if (changed.length > 0) {
      const rows: { number: string; routing: never; live: boolean }[] = await this.dataSource.query(
        `SELECT number, routing, status = 'active' AND route_disabled_reason IS NULL AS live FROM phone_numbers WHERE number = ANY($1)`,
        [changed],
      );
      for (const r of rows) this.cache.put(r.number, r.routing, r.live);
    }
    this.logger.log(
      { added: report.added.length, released: report.released.length, returned: report.returned.length, reassigned: report.reassigned.length },
      'Numbers synced with Sinch',
    );
    return report;
  }

  private async apply(
    manager: EntityManager,
    rows: KnownRow[],
    inSinch: Map<string, NumberInformation>,
    described: Map<string, { country: string | null; numberType: string | null }>,
  ): Promise<SyncResponse> {
    const report: SyncResponse = { added: [], released: [], returned: [], reassigned: [], unchanged: 0 };
    const byNumber = new Map(rows.map((r) => [r.number, r]));
    for (const [number, n] of inSinch) {
      const row = byNumber.get(number);
      const app = n.applicationKey ?? null;
      const capability = n.capability ?? 'voice';
      if (!row) {
        const d = described.get(number) ?? { country: normalizePhoneNumber(number)?.country ?? null, numberType: null };
        await manager.query(
          `INSERT INTO phone_numbers (number, country, number_type, capability, application_key, first_seen_at, last_seen_at)
           VALUES ($1, $2, $3, $4, $5, now(), now()) ON CONFLICT (number) DO NOTHING`,
          [number, d.country, d.numberType, capability, app],
        );
        report.added.push(number);
        continue;
      }
      const d = described.get(number);
      if (d && row.number_type === null) {
        await manager.query('UPDATE phone_numbers SET country = coalesce($2, country), number_type = $3 WHERE id = $1', [row.id, d.country, d.numberType]);
      }
      const returned = row.status === 'released';
      const reassigned = (row.application_key ?? null) !== app;
      if (returned || reassigned || row.capability !== capability) {
        await manager.query(
          `UPDATE phone_numbers SET status = 'active', released_at = NULL, application_key = $2, capability = $3, last_seen_at = now(), updated_at = now() WHERE id = $1`,
          [row.id, app, capability],
        );
        if (returned) report.returned.push(number);
        if (reassigned) report.reassigned.push({ number, from: row.application_key, to: app });
        if (!returned && !reassigned) report.unchanged += 1;
      } else {
        report.unchanged += 1;
      }
    }
    const gone = rows.filter((r) => r.status === 'active' && !inSinch.has(r.number));
    if (gone.length > 0) {
      const numbers = gone.map((g) => g.number);
      await manager.query(
        `UPDATE phone_numbers SET status = 'released', released_at = now(), updated_at = now(),
           route_disabled_reason = CASE WHEN routing IS NOT NULL THEN 'released' END
         WHERE number = ANY($1)`,
        [numbers],
      );
      for (const g of gone.filter((r) => r.routing !== null)) {
        await manager.query(
          `INSERT INTO number_route_audits (number_id, number, actor, change, before, after) VALUES ($1, $2, 'sync', 'route_disabled_released', $3, $3)`,
          [g.id, g.number, JSON.stringify(g.routing)],
        );
      }
      await manager.query(
        `UPDATE caller_id_pools SET numbers = ARRAY(SELECT x FROM unnest(numbers) x WHERE x <> ALL($1::text[])), updated_at = now() WHERE numbers && $1::text[]`,
        [numbers],
      );
      report.released.push(...numbers);
    }
    // Still listed: seen now (not a change of the number itself, so updated_at stays).
    await manager.query(`UPDATE phone_numbers SET last_seen_at = now() WHERE number = ANY($1)`, [[...inSinch.keys()]]);
    return report;
  }

  // Country and type of new numbers from Sinch's queryNumber (whose rate is cached on the way); a number Sinch
  // cannot describe keeps the country its prefix gives.
  private async describe(numbers: string[]): Promise<Map<string, { country: string | null; numberType: string | null }>> {
    const out = new Map<string, { country: string | null; numberType: string | null }>();
    for (let i = 0; i < numbers.length; i += DESCRIBE_CONCURRENCY) {
      await Promise.all(
        numbers.slice(i, i + DESCRIBE_CONCURRENCY).map(async (number) => {
          try {
            const rate = await this.rates.get(number, { refresh: true });
            out.set(number, { country: rate.country, numberType: rate.numberType });
          } catch (err) {
            this.logger.warn({ err: (err as Error).message }, 'queryNumber failed for a new number; its country comes from its prefix');
          }
        }),
      );
    }
    return out;
  }

  async assign(numbers: string[]): Promise<SyncResponse> {
    const e164 = numbers.map((n) => normalizePhoneNumber(n)?.e164 ?? n);
    try {
      await this.client.assignNumbers({ numbers: e164, applicationKey: this.credentials.current.applicationKey, capability: 'voice' });
    } catch (error) {
      throw sinchFailure(error, 'numbers', 'Assigning the numbers failed');
    }
    return this.sync();
  }

  async unassign(number: string): Promise<SyncResponse> {
    const e164 = normalizePhoneNumber(number)?.e164 ?? number;
    try {
      await this.client.unassignNumber({ number: e164, applicationKey: this.credentials.current.applicationKey, capability: 'voice' });
    } catch (error) {
      throw sinchFailure(error, 'number', 'Unassigning the number failed');
    }
    return this.sync();
  }
}
