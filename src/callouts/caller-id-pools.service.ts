import type { AlternativeForm } from 'src/common/phone-number.validator';
import { Injectable } from '@nestjs/common';
import { CalloutsError } from 'src/callouts/callouts.errors';

// `cli: { pool: "sales" }`: a caller id picked from a named pool of our numbers. The numbers feature owns the
// pools and provides the pick here (callouts stays below the features that use it).
export interface PoolCli {
  pool: string;
}

export const POOL_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isPoolCli(value: unknown): value is PoolCli {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as PoolCli).pool === 'string';
}

// `cli: { pool: "sales" }`: the form IsDialableNumber accepts beside a number on callouts' caller id.
export const POOL_CLI: AlternativeForm = { test: (value) => isPoolCli(value) && POOL_NAME.test(value.pool), description: '{ pool: "<caller-id pool>" }' };

// A pool read once, picking a caller id per destination (the dialer picks a whole tick's calls from one read).
export interface OpenedPool {
  // The pool's name (it may have been asked for by id).
  name: string;
  pick(destination: string): string;
}

// Opens a pool by name or id; an unknown or empty pool is a 400 naming `field`.
export type OpenPool = (pool: string, field: string) => Promise<OpenedPool>;

@Injectable()
export class CallerIdPoolResolver {
  private openPool?: OpenPool;

  provide(open: OpenPool): void {
    this.openPool = open;
  }

  open(pool: string, field = 'cli.pool'): Promise<OpenedPool> {
    if (!this.openPool) {
      const message = `${field}: caller-id pools are not available`;
      throw new CalloutsError('caller_id_pools_unavailable', message, [{ field, rule: 'pools_unavailable', message }]);
    }
    return this.openPool(pool, field);
  }

  // A pool's number for this destination, or the cli as given.
  async resolve<T extends { cli?: string | PoolCli; destination: string }>(dto: T): Promise<T & { cli?: string }> {
    if (!isPoolCli(dto.cli)) return dto as T & { cli?: string };
    return { ...dto, cli: (await this.open(dto.cli.pool)).pick(dto.destination) };
  }
}
