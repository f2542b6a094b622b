import { Injectable, OnModuleInit } from '@nestjs/common';
import { CallerIdPoolResolver } from 'src/callouts/caller-id-pools.service';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AppError, type FieldProblem } from 'src/common/app-error';
import { normalizePhoneNumber } from 'src/common/phone-number';
import { AppConfig } from 'src/config/app-config';
import type { PutPoolDto } from 'src/numbers/dto/put-pool.dto';
import type { PickResponse } from 'src/numbers/dto/pick.response';
import type { PoolResponse } from 'src/numbers/dto/pool.response';
import { CallerIdPool } from './caller-id-pool.entity';
import { answerRate, flaggedNumbers, pickLocal, type NumberStats, type PoolCandidate } from './caller-id-pick';
import { NumbersError } from 'src/numbers/numbers.errors';

const STATS_WINDOW = `interval '7 days'`;
const STRICT_E164 = /^\+[1-9]\d{6,14}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Named pools of our numbers used as caller id (`cli: { pool: "sales" }`): local presence, answer-rate flags.
@Injectable()
export class CallerIdPools implements OnModuleInit {
  // Round-robin position per pool, per process: spreading is statistical, it needs no coordination.
  private readonly turns = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(CallerIdPool) private readonly pools: Repository<CallerIdPool>,
    private readonly config: AppConfig,
    private readonly resolver: CallerIdPoolResolver,
  ) {}

  // Callouts (`cli: { pool }`) pick their caller id here.
  onModuleInit(): void {
    this.resolver.provide(async (pool, field) => {
      const opened = await this.open(pool, field);
      return { name: opened.name, pick: (destination) => opened.pick(destination).cli };
    });
  }

  async list(): Promise<PoolResponse[]> {
    const pools = await this.pools.find({ order: { name: 'ASC' } });
    return Promise.all(pools.map((p) => this.describe(p)));
  }

  async get(name: string): Promise<PoolResponse> {
    return this.describe(await this.existing(name));
  }

  // Creates or replaces the pool. Every number must be an active number of ours.
  async put(name: string, dto: PutPoolDto): Promise<PoolResponse> {
    const problems: FieldProblem[] = [];
    const add = (field: string, rule: string, message: string) => problems.push({ field, rule, message: `${field} ${message}` });
    const numbers = dto.numbers.map((n, i) => {
      // A well-formed E.164 number the numbering plan calls invalid (e.g. a fictional 555-01xx) is still ours if Sinch
      // says the account owns it: ownership is checked below.
      const e164 = normalizePhoneNumber(n)?.e164 ?? (STRICT_E164.test(n) ? n : undefined);
      if (!e164) add(`numbers[${i}]`, 'isDialableNumber', 'must be a valid phone number in international format');
      return e164;
    });
    numbers.forEach((n, i) => {
      if (n && numbers.indexOf(n) !== i) add(`numbers[${i}]`, 'unique', `${n} is listed twice`);
    });
    const valid = numbers.filter((n): n is string => n !== undefined);
    const rows: { number: string; status: string }[] = await this.dataSource.query('SELECT number, status FROM phone_numbers WHERE number = ANY($1)', [valid]);
    const status = new Map(rows.map((r) => [r.number, r.status]));
    numbers.forEach((n, i) => {
      if (!n) return;
      if (!status.has(n)) add(`numbers[${i}]`, 'not_owned', `${n} is not a number of this account (sync first: POST /api/v1/numbers/sync)`);
      else if (status.get(n) === 'released') add(`numbers[${i}]`, 'released', `${n} was released: it is no longer in the Sinch account`);
    });
    if (problems.length > 0) throw new NumbersError('invalid_pool', problems.map((p) => p.message).join('; '), problems);
    await this.dataSource.query(
      `INSERT INTO caller_id_pools (name, numbers, exclude_flagged) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET numbers = EXCLUDED.numbers, exclude_flagged = EXCLUDED.exclude_flagged, updated_at = now()`,
      [name, valid, dto.excludeFlagged ?? false],
    );
    return this.get(name);
  }

  async remove(name: string): Promise<void> {
    const result = await this.pools.delete({ name });
    if (!result.affected) throw new NumbersError('pool_not_found', `Caller-id pool "${name}" not found`);
  }

  // The caller id for a call from `pool` to `destination` (E.164). A 400 naming `field` when the pool cannot give
  // one (unknown, empty, or every number flagged and left out).
  async pickCallerId(pool: string, destination: string, field = 'cli.pool'): Promise<PickResponse> {
    return (await this.open(pool, field)).pick(destination);
  }

  // Reads the pool (by name, or by id) and its usable numbers once; `pick` then chooses per destination.
  async open(pool: string, field = 'cli.pool'): Promise<{ name: string; pick: (destination: string) => PickResponse }> {
    const row = await this.pools.findOne({ where: UUID.test(pool) ? [{ name: pool }, { id: pool }] : { name: pool } });
    if (!row) throw invalid(field, 'pool_unknown', `there is no caller-id pool "${pool}"`);
    const candidates: PoolCandidate[] = await this.dataSource.query(
      `SELECT number, country FROM phone_numbers WHERE number = ANY($1) AND status = 'active' ORDER BY number`,
      [row.numbers],
    );
    let eligible = candidates;
    if (row.excludeFlagged) {
      const { flagged } = flaggedNumbers(await this.stats(row.numbers), this.flagPolicy());
      eligible = candidates.filter((c) => !flagged.has(c.number));
    }
    if (eligible.length === 0) {
      throw invalid(field, 'pool_empty', `caller-id pool "${row.name}" has no usable number (empty, or every number is flagged and left out)`);
    }
    return {
      name: row.name,
      pick: (destination) => {
        const turn = this.turns.get(row.name) ?? 0;
        this.turns.set(row.name, turn + 1);
        const dest = normalizePhoneNumber(destination);
        return pickLocal(eligible, { e164: dest?.e164 ?? destination, country: dest?.country }, turn) as PickResponse;
      },
    };
  }

  private flagPolicy() {
    return { minCalls: this.config.numbers.flagMinCalls, ratio: this.config.numbers.flagRatio };
  }

  private async existing(name: string): Promise<CallerIdPool> {
    const row = await this.pools.findOneBy({ name });
    if (!row) throw new NumbersError('pool_not_found', `Caller-id pool "${name}" not found`);
    return row;
  }

  // Finished outbound calls per caller id over the last 7 days (the calls table's from_number index).
  private async stats(numbers: string[]): Promise<Map<string, NumberStats>> {
    const rows: { number: string; calls: number; answered: number }[] = await this.dataSource.query(
      `SELECT from_number AS number, count(*)::int AS calls, count(*) FILTER (WHERE result = 'ANSWERED')::int AS answered
       FROM calls WHERE from_number = ANY($1) AND direction = 'outbound' AND result IS NOT NULL AND created_at > now() - ${STATS_WINDOW}
       GROUP BY from_number`,
      [numbers],
    );
    return new Map(rows.map((r) => [r.number, { calls: r.calls, answered: r.answered }]));
  }

  private async describe(pool: CallerIdPool): Promise<PoolResponse> {
    const stats = await this.stats(pool.numbers);
    const { median, flagged } = flaggedNumbers(stats, this.flagPolicy());
    return {
      name: pool.name,
      excludeFlagged: pool.excludeFlagged,
      medianAnswerRate: median,
      numbers: pool.numbers.map((number) => {
        const s = stats.get(number);
        return { number, calls: s?.calls ?? 0, answered: s?.answered ?? 0, answerRate: answerRate(s), flagged: flagged.has(number) };
      }),
      updatedAt: pool.updatedAt.toISOString(),
    };
  }
}

function invalid(field: string, rule: string, message: string): AppError {
  return new NumbersError('invalid_pool', `${field}: ${message}`, [{ field, rule, message: `${field}: ${message}` }]);
}
