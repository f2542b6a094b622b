import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import { AppConfig } from 'src/config/app-config';
import { decodeCursor, Page, toPage } from 'src/common/pagination';
import { ApiKey } from './api-key.entity';
import { ApiKeyResponse } from 'src/auth/dto/api-key.response';
import { CreatedApiKeyResponse } from 'src/auth/dto/created-api-key.response';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key-secret';
import type { Role } from './roles';
import { AuthError } from 'src/auth/auth.errors';
import { pick } from 'src/common/pick';

export interface AuthenticatedKey {
  id: string;
  role: Role;
  name: string;
}

// Lookups are cached briefly so the admin API does not hit Postgres on every request; a revocation takes effect
// at once in the process that made it and within CACHE_TTL_MS in the others. Unknown keys live in a cache of their
// own, so a flood of junk keys can never evict a good one (the failed-auth limit bounds their lookups).
const CACHE_TTL_MS = 10_000;
const BOOTSTRAP_NAME = 'bootstrap admin (ADMIN_API_KEY)';
const MAX_CACHED = 10_000;
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger('ApiKeys');
  private readonly cache = new Map<string, { key: AuthenticatedKey; expires: number }>();
  private readonly unknown = new Map<string, number>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    @InjectRepository(ApiKey) private readonly repository: Repository<ApiKey>,
    private readonly config: AppConfig,
  ) {}

  // The cached answer for a key: the key, null (known unknown) or undefined (a lookup is needed).
  cached(presented: string): AuthenticatedKey | null | undefined {
    const hash = hashApiKey(presented);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expires > now) return cached.key;
    if ((this.unknown.get(hash) ?? 0) > now) return null;
    return undefined;
  }

  async authenticate(presented: string): Promise<AuthenticatedKey | null> {
    const known = this.cached(presented);
    if (known !== undefined) return known;
    const hash = hashApiKey(presented);
    const now = Date.now();
    const row = await this.repository.findOne({ where: { keyHash: hash, revokedAt: IsNull() } });
    if (!row) {
      remember(this.unknown, hash, now + CACHE_TTL_MS);
      return null;
    }
    const key = { id: row.id, role: row.role, name: row.name };
    remember(this.cache, hash, { key, expires: now + CACHE_TTL_MS });
    if (now - (this.lastUsedWritten.get(row.id) ?? 0) > LAST_USED_RESOLUTION_MS) {
      this.lastUsedWritten.set(row.id, now);
      void this.repository.update(row.id, { lastUsedAt: new Date(now) }).catch(() => undefined);
    }
    return key;
  }

  async create(name: string, role: Role, createdBy: string | null): Promise<CreatedApiKeyResponse> {
    const key = generateApiKey();
    const row = await this.repository.save(
      this.repository.create({ name: name.trim(), role, keyHash: hashApiKey(key), keyPrefix: displayPrefix(key), createdBy }),
    );
    return { ...toResponse(row), key };
  }

  async list(limit: number, cursor?: string): Promise<Page<ApiKeyResponse>> {
    const after = decodeCursor(cursor);
    const query = this.repository
      .createQueryBuilder('k')
      .orderBy('k.created_at', 'DESC')
      .addOrderBy('k.id', 'DESC')
      .take(limit + 1);
    if (after) query.where('(k.created_at, k.id) < (:createdAt, :id)', after);
    return toPage(await query.getMany(), limit, toResponse);
  }

  async revoke(id: string): Promise<ApiKeyResponse> {
    const row = await this.repository.findOneBy({ id });
    if (!row) throw new AuthError('api_key_not_found', `API key ${id} not found`);
    if (!row.revokedAt) {
      row.revokedAt = new Date();
      await this.repository.save(row);
    }
    this.cache.clear();
    return toResponse(row);
  }

  // ADMIN_API_KEY bootstraps an admin; without it (development only) one key is generated the first time and printed.
  // Changing ADMIN_API_KEY revokes the previous bootstrap key (rows are told apart by their name and creator-less
  // origin); a revoked key stays revoked, even if configured again.
  async ensureBootstrapAdmin(): Promise<{ generatedKey?: string }> {
    const configured = this.config.auth.bootstrapAdminKey;
    if (configured) {
      const keyHash = hashApiKey(configured);
      await this.repository
        .createQueryBuilder()
        .insert()
        .values({ name: BOOTSTRAP_NAME, role: 'admin', keyHash, keyPrefix: displayPrefix(configured) })
        .orIgnore()
        .execute();
      const { affected } = await this.repository.update(
        { name: BOOTSTRAP_NAME, createdBy: IsNull(), revokedAt: IsNull(), keyHash: Not(keyHash) },
        { revokedAt: new Date() },
      );
      if (affected) {
        this.cache.clear();
        this.logger.log(`ADMIN_API_KEY changed: revoked ${affected} previous bootstrap key(s)`);
      }
      return {};
    }
    const admins = await this.repository.countBy({ role: 'admin', revokedAt: IsNull() });
    if (admins > 0) return {};
    const created = await this.create('generated development admin', 'admin', null);
    this.logger.warn('No ADMIN_API_KEY set: generated a development admin key (printed once on stdout)');
    return { generatedKey: created.key };
  }
}

// Bounded: past MAX_CACHED entries the oldest go first (a Map iterates in insertion order).
function remember<V>(cache: Map<string, V>, hash: string, value: V): void {
  cache.delete(hash);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(hash, value);
}

// Never the hash, nor who created the key.
const RESPONSE_FIELDS = ['id', 'name', 'role', 'keyPrefix', 'createdAt', 'lastUsedAt', 'revokedAt'] as const;

function toResponse(row: ApiKey): ApiKeyResponse {
  return pick(row, RESPONSE_FIELDS);
}
