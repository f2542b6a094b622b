import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from 'src/common/app-error';
import { AppConfig } from 'src/config/app-config';
import { IDEMPOTENCY_KEY_PATTERN, requestHash } from './request-hash';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

// A request's Idempotency-Key and who sent it: a key is its client's, remembered per route and API key, so two
// integrations that happen to choose the same key never answer each other's requests.
export interface IdempotencyOf {
  key?: string;
  // The id of the API key that sent the request.
  owner: string;
}

export interface IdempotentResult<R> {
  response: R;
  replayed: boolean;
}

const invalidKey = (message: string, rule: string): AppError => new AppError('invalid', message, [{ field: 'Idempotency-Key', rule, message }]);

@Injectable()
export class IdempotencyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  // Runs `work` in a transaction at most once per (route, API key, key). A repeat with the same body answers what the
  // first answered; with another body it is refused. Concurrent duplicates are serialised by the primary key: the
  // second INSERT waits for the first transaction and then finds its committed answer.
  async run<R extends object>(
    route: string,
    { key, owner }: IdempotencyOf,
    body: unknown,
    work: (manager: EntityManager) => Promise<R>,
  ): Promise<IdempotentResult<R>> {
    if (key === undefined) return { response: await this.dataSource.transaction(work), replayed: false };
    const scope = `${route} key:${owner}`;
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw invalidKey('Idempotency-Key must be 1 to 255 visible ASCII characters', 'idempotency_key_format');
    }
    const hash = requestHash(body);
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        'INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key',
        [scope, key, hash],
      );
      if (inserted.length === 0) return { response: await this.stored<R>(manager, scope, key, hash), replayed: true };
      const response = await work(manager);
      await manager.query('UPDATE idempotency_keys SET status_code = 202, response = $3 WHERE scope = $1 AND key = $2', [scope, key, JSON.stringify(response)]);
      return { response, replayed: false };
    });
  }

  async deleteExpired(): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query('DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)', [
      this.config.callouts.idempotencyKeyTtlH,
    ]);
    return count;
  }

  private async stored<R>(manager: EntityManager, scope: string, key: string, hash: string): Promise<R> {
    const rows: { request_hash: string; response: R | null }[] = await manager.query(
      'SELECT request_hash, response FROM idempotency_keys WHERE scope = $1 AND key = $2',
      [scope, key],
    );
    const row = rows[0];
    if (row && row.request_hash !== hash) {
      const message = 'This Idempotency-Key was already used with a different request body';
      throw new AppError('conflict', message, [{ field: 'Idempotency-Key', rule: 'idempotency_key_reused', message }]);
    }
    // Expired and deleted between our INSERT and SELECT, or never answered: the client may simply retry.
    if (!row?.response) throw new AppError('conflict', 'A request with this Idempotency-Key is being processed; retry shortly');
    return row.response;
  }
}
