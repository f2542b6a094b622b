import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RefreshedCache } from 'src/common/refresh-loop';
import { AppConfig } from 'src/config/app-config';
import type { NumberRouting } from './number-routes';

interface RouteRow {
  number: string;
  routing: NumberRouting | null;
  live: boolean;
  updated_at: Date;
}

// A transaction that commits after a later one started can carry an older updated_at: each incremental reload
// looks this far back, and every FULL_RELOAD_EVERY reloads the whole table is read again.
const OVERLAP_MS = 10_000;
const FULL_RELOAD_EVERY = 30;

// Every api process keeps the routes of live numbers in memory, so an ICE is answered without a query. Reloaded
// every NUMBERS_ROUTES_REFRESH_MS (only rows changed since the last reload); the process that saves a route sees
// it at once, the others at their next reload.
@Injectable()
export class RouteCache extends RefreshedCache {
  protected readonly logger = new Logger('NumberRoutes');
  private routes = new Map<string, NumberRouting>();
  private since?: Date;
  private reloads = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    super();
  }

  protected plan() {
    return { what: 'inbound routes', everyMs: this.config.numbers.routesRefreshMs, here: this.config.runsApi };
  }

  get(number: string): NumberRouting | undefined {
    return this.routes.get(number);
  }

  get size(): number {
    return this.routes.size;
  }

  // A route runs when the number is active, has a route, and the route was not disabled (by a release).
  put(number: string, routing: NumberRouting | null, live: boolean): void {
    if (routing && live) this.routes.set(number, routing);
    else this.routes.delete(number);
  }

  async refresh(): Promise<void> {
    const full = this.since === undefined || this.reloads % FULL_RELOAD_EVERY === 0;
    this.reloads += 1;
    const live = `status = 'active' AND route_disabled_reason IS NULL`;
    const rows: RouteRow[] = full
      ? await this.dataSource.query(`SELECT number, routing, ${live} AS live, updated_at FROM phone_numbers WHERE routing IS NOT NULL`)
      : await this.dataSource.query(`SELECT number, routing, ${live} AS live, updated_at FROM phone_numbers WHERE updated_at > $1`, [
          new Date((this.since as Date).getTime() - OVERLAP_MS),
        ]);
    const next = full ? new Map<string, NumberRouting>() : this.routes;
    let latest = this.since ?? new Date(0);
    for (const row of rows) {
      if (row.routing && row.live) next.set(row.number, row.routing);
      else next.delete(row.number);
      if (row.updated_at > latest) latest = row.updated_at;
    }
    this.routes = next;
    this.since = latest;
  }
}
