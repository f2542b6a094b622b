import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfigFromProcessEnv } from 'src/config/load-config';
import { buildDataSourceOptions } from './data-source-options';

// Entry point for the TypeORM CLI (npm run migration:generate|run|revert).
export const AppDataSource = new DataSource(buildDataSourceOptions(loadConfigFromProcessEnv()));
