import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { FieldProblem } from 'src/common/app-error';
import { decodeCursor, toPage, type Page } from 'src/common/pagination';
import { SinchCredentials } from 'src/sinch/sinch.module';
import type { ListNumbersQueryDto } from 'src/numbers/dto/list-numbers.query';
import type { SetRouteDto } from 'src/numbers/dto/set-route.dto';
import type { NumberResponse } from 'src/numbers/dto/number.response';
import type { RouteAuditResponse } from 'src/numbers/dto/route-audit.response';
import { PhoneNumber } from './phone-number.entity';
import { NumberRouteAudit } from './route-audit.entity';
import { parseRouting, type NumberRouting } from './routing/number-routes';
import { RouteCache } from 'src/numbers/routing/route-cache.service';
import { RouteTargets, TARGET_ROUTE_TYPES, type TargetRouteType } from 'src/numbers/routing/route-targets.service';
import { NumbersError } from 'src/numbers/numbers.errors';

const LIST_SQL = `
SELECT n.*, ARRAY(SELECT p.name FROM caller_id_pools p WHERE n.number = ANY(p.numbers) ORDER BY p.name) AS pools
FROM phone_numbers n`;

interface RawNumber {
  id: string;
  number: string;
  country: string | null;
  number_type: string | null;
  capability: string;
  application_key: string | null;
  status: PhoneNumber['status'];
  routing: NumberRouting | null;
  route_disabled_reason: string | null;
  first_seen_at: Date;
  last_seen_at: Date;
  released_at: Date | null;
  created_at: Date;
  updated_at: Date;
  pools: string[];
}

// The numbers and their inbound routes: read, filter, set and clear a route (audited, effective at once in this
// process and within NUMBERS_ROUTES_REFRESH_MS in the others).
@Injectable()
export class NumbersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(PhoneNumber) private readonly numbers: Repository<PhoneNumber>,
    @InjectRepository(NumberRouteAudit) private readonly audits: Repository<NumberRouteAudit>,
    private readonly cache: RouteCache,
    private readonly targets: RouteTargets,
    private readonly credentials: SinchCredentials,
  ) {}

  async list(query: ListNumbersQueryDto): Promise<Page<NumberResponse>> {
    const limit = query.limit ?? 50;
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.country) where.push(`n.country = ${param(query.country.toUpperCase())}`);
    if (query.status) where.push(`n.status = ${param(query.status)}`);
    if (query.route === 'none') where.push(`n.routing IS NULL`);
    else if (query.route) where.push(`n.routing->'route'->>'type' = ${param(query.route)}`);
    if (query.pool) where.push(`EXISTS (SELECT 1 FROM caller_id_pools p WHERE p.name = ${param(query.pool)} AND n.number = ANY(p.numbers))`);
    const cursor = decodeCursor(query.cursor);
    if (cursor) where.push(`(n.created_at, n.id) < (${param(cursor.createdAt)}, ${param(cursor.id)})`);
    const sql = `${LIST_SQL} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY n.created_at DESC, n.id DESC LIMIT ${param(limit + 1)}`;
    const rows: RawNumber[] = await this.dataSource.query(sql, params);
    return toPage(
      rows.map((r) => ({ ...r, createdAt: r.created_at })),
      limit,
      (r) => this.toResponse(r),
    );
  }

  async get(id: string): Promise<NumberResponse> {
    const [row]: RawNumber[] = await this.dataSource.query(`${LIST_SQL} WHERE n.id = $1`, [id]);
    if (!row) throw new NumbersError('number_not_found', `Number ${id} not found`);
    return this.toResponse(row);
  }

  async setRoute(id: string, body: SetRouteDto, actor: string): Promise<NumberResponse> {
    const available = new Set(TARGET_ROUTE_TYPES.filter((t) => this.targets.get(t)));
    const parsed = parseRouting(body, available);
    const problems: FieldProblem[] = [...parsed.problems];
    for (const ref of parsed.targets) {
      if (!(await this.targets.get(ref.type as TargetRouteType)?.exists(ref.target))) {
        problems.push({ field: ref.field, rule: 'target_unknown', message: `${ref.field}: there is no ${ref.type} "${ref.target}"` });
      }
    }
    if (problems.length > 0 || !parsed.routing) throw new NumbersError('invalid_route', problems.map((p) => p.message).join('; '), problems);
    return this.writeRoute(id, parsed.routing, actor, 'route_set');
  }

  async clearRoute(id: string, actor: string): Promise<NumberResponse> {
    return this.writeRoute(id, null, actor, 'route_cleared');
  }

  async auditTrail(id: string): Promise<RouteAuditResponse[]> {
    await this.existing(id);
    const rows = await this.audits.find({ where: { numberId: id }, order: { at: 'DESC' }, take: 200 });
    return rows.map((a) => ({ id: a.id, actor: a.actor, change: a.change, before: a.before, after: a.after, at: a.at.toISOString() }));
  }

  private async existing(id: string): Promise<PhoneNumber> {
    const row = await this.numbers.findOneBy({ id });
    if (!row) throw new NumbersError('number_not_found', `Number ${id} not found`);
    return row;
  }

  // The route and its audit row in one transaction; the row is locked so two admins' changes audit in order.
  private async writeRoute(id: string, routing: NumberRouting | null, actor: string, change: string): Promise<NumberResponse> {
    const saved = await this.dataSource.transaction(async (manager) => {
      const row = await manager.findOne(PhoneNumber, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NumbersError('number_not_found', `Number ${id} not found`);
      if (routing && row.status === 'released') {
        throw new NumbersError('number_released', `Number ${row.number} is released (no longer in the Sinch account): it cannot take a route`);
      }
      await manager.query(`UPDATE phone_numbers SET routing = $2, route_disabled_reason = NULL, updated_at = now() WHERE id = $1`, [id, routing]);
      await manager.insert(NumberRouteAudit, { numberId: id, number: row.number, actor, change, before: row.routing, after: routing });
      return { ...row, routing, routeDisabledReason: null };
    });
    this.cache.put(saved.number, saved.routing, saved.status === 'active');
    return this.get(id);
  }

  private toResponse(raw: RawNumber): NumberResponse {
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    return {
      id: raw.id,
      number: raw.number,
      country: raw.country,
      numberType: raw.number_type,
      capability: raw.capability,
      applicationKey: raw.application_key,
      assignedHere: raw.application_key?.toLowerCase() === this.credentials.current.applicationKey.toLowerCase(),
      status: raw.status,
      routing: raw.routing,
      routeDisabledReason: raw.route_disabled_reason,
      pools: raw.pools ?? [],
      firstSeenAt: iso(raw.first_seen_at) as string,
      lastSeenAt: iso(raw.last_seen_at) as string,
      releasedAt: iso(raw.released_at),
      updatedAt: iso(raw.updated_at) as string,
    };
  }
}
