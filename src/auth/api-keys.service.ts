import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AppConfig } from 'src/config/app-config';
import { AppError } from 'src/common/app-error';
import { decodeCursor, Page, toPage } from 'src/common/pagination';
import { ApiKey } from './api-key.entity';
import { ApiKeyResponse, CreatedApiKeyResponse } from './api-key.dto';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key-secret';
import type { Role } from './roles';

export interface AuthenticatedKey {
  id: string;
  role: Role;
  name: string;
}

// Lookups are cached briefly so the admin API does not hit Postgres on every request; a revocation takes effect
// at once in the process that made it and within CACHE_TTL_MS in the others.
const CACHE_TTL_MS = 10_000;
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger('ApiKeys');
  private readonly cache = new Map<string, { key: AuthenticatedKey | null; expires: number }>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    @InjectRepository(ApiKey) private readonly repository: Repository<ApiKey>,
    private readonly config: AppConfig,
  ) {}

  async authenticate(presented: string): Promise<AuthenticatedKey | null> {
    const hash = hashApiKey(presented);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expires > now) return cached.key;

    const row = await this.repository.findOne({ where: { keyHash: hash, revokedAt: IsNull() } });
    const key = row ? { id: row.id, role: row.role, name: row.name } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { key, expires: now + CACHE_TTL_MS });
    if (row && now - (this.lastUsedWritten.get(row.id) ?? 0) > LAST_USED_RESOLUTION_MS) {
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
    const query = this.repository.createQueryBuilder('k').orderBy('k.created_at', 'DESC').addOrderBy('k.id', 'DESC').take(limit + 1);
    if (after) query.where('(k.created_at, k.id) < (:createdAt, :id)', after);
    return toPage(await query.getMany(), limit, toResponse);
  }

  async revoke(id: string): Promise<ApiKeyResponse> {
    const row = await this.repository.findOneBy({ id });
    if (!row) throw new AppError('not_found', `API key ${id} not found`);
    if (!row.revokedAt) {
      row.revokedAt = new Date();
      await this.repository.save(row);
    }
    this.cache.clear();
    return toResponse(row);
  }

  // ADMIN_API_KEY bootstraps an admin; without it (development only) one key is generated the first time and printed.
  async ensureBootstrapAdmin(): Promise<{ generatedKey?: string }> {
    const configured = this.config.auth.bootstrapAdminKey;
    if (configured) {
      await this.repository
        .createQueryBuilder()
        .insert()
        .values({ name: 'bootstrap admin (ADMIN_API_KEY)', role: 'admin', keyHash: hashApiKey(configured), keyPrefix: displayPrefix(configured) })
        .orIgnore()
        .execute();
      return {};
    }
    const admins = await this.repository.countBy({ role: 'admin', revokedAt: IsNull() });
    if (admins > 0) return {};
    const created = await this.create('generated development admin', 'admin', null);
    this.logger.warn('No ADMIN_API_KEY set: generated a development admin key (printed once on stdout)');
    return { generatedKey: created.key };
  }
}

function toResponse(row: ApiKey): ApiKeyResponse {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    keyPrefix: row.keyPrefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}
