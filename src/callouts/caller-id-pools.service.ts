import type { AlternativeForm } from 'src/common/phone-number.validator';
import { Injectable } from '@nestjs/common';
import { CalloutsError, CalloutsErrorCode } from 'src/callouts/callouts.errors';

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

export type PickCallerId = (pool: string, destination: string) => Promise<string>;

@Injectable()
export class CallerIdPoolResolver {
  private pick?: PickCallerId;

  provide(pick: PickCallerId): void {
    this.pick = pick;
  }

  // A pool's number for this destination, or the cli as given.
  async resolve<T extends { cli?: string | PoolCli; destination: string }>(dto: T): Promise<T & { cli?: string }> {
    if (!isPoolCli(dto.cli)) return dto as T & { cli?: string };
    if (!this.pick)
      throw new CalloutsError(CalloutsErrorCode.CallerIdPoolsUnavailable, 'cli.pool: caller-id pools are not available', [
        { field: 'cli.pool', rule: 'pools_unavailable', message: 'cli.pool: caller-id pools are not available' },
      ]);
    return { ...dto, cli: await this.pick(dto.cli.pool, dto.destination) };
  }
}
