import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from 'src/config/app-config';
import { SnakeNamingStrategy } from './snake-naming.strategy';

// The one DataSourceOptions, shared by the Nest app and the TypeORM CLI (data-source.ts).
// Globs work from both src/ (ts-node, ts-jest) and dist/src/ (compiled).
export function buildDataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    entities: [join(__dirname, '..', '**', '*.entity.{ts,js}')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'typeorm_migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    // TypeORM's own query log would print parameters (phone numbers, key hashes); failures reach our log through
    // the callers, as errors whose parameters the logger redacts.
    logging: false,
    migrationsRun: false, // run by DatabaseModule under an advisory lock instead
    extra: { max: config.database.poolSize, connectionTimeoutMillis: 5_000 },
    applicationName: `contact-center-${config.role}`,
  };
}
