import { Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from 'src/config/app-config';
import { buildDataSourceOptions } from './data-source-options';
import { createDatabaseIfMissing, explainConnectionError, runMigrationsLocked } from './database-bootstrap';

const logger = new Logger('Database');

// Prepares the database before the app's DataSource opens: create it when missing (development convenience) and
// apply pending migrations under an advisory lock, with a short-lived DataSource of the same options.
async function prepareDatabase(config: AppConfig): Promise<void> {
  const options = buildDataSourceOptions(config);
  try {
    if (config.database.createIfMissing) await createDatabaseIfMissing(config.database.url, logger);
    if (!config.database.migrationsRun) return;
    const migrator = new DataSource({ ...options, entities: [], extra: { max: 2 } }); // one holds the lock, one migrates
    await migrator.initialize();
    try {
      await runMigrationsLocked(migrator, logger);
    } finally {
      await migrator.destroy();
    }
  } catch (error) {
    throw explainConnectionError(error);
  }
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        await prepareDatabase(config);
        // Entities come from each feature's TypeOrmModule.forFeature(): no central list to edit.
        return { ...buildDataSourceOptions(config), entities: [], migrations: [], autoLoadEntities: true };
      },
    }),
  ],
})
export class DatabaseModule {}
