import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from 'src/config/app-config';
import { ApiKey } from './api-key.entity';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { FailedAuthLimiter } from './failed-auth-limiter.service';
import { RedisThrottlerStorage } from './redis-throttler.storage';

// What every controller uses (@Public, @Roles, @AdminController): part of auth's public surface.
export { AdminController, documentRolesAndErrors, Public, Roles } from './auth.decorators';

@Module({ providers: [RedisThrottlerStorage, FailedAuthLimiter], exports: [RedisThrottlerStorage, FailedAuthLimiter] })
class ThrottlerStorageModule {}

@Module({
  imports: [
    ThrottlerStorageModule,
    TypeOrmModule.forFeature([ApiKey]),
    ThrottlerModule.forRootAsync({
      imports: [ThrottlerStorageModule],
      inject: [AppConfig, RedisThrottlerStorage],
      useFactory: (config: AppConfig, storage: RedisThrottlerStorage) => ({
        throttlers: [{ name: 'admin', ttl: 60_000, limit: config.auth.rateLimitPerMinute }],
        storage,
      }),
    }),
  ],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [ApiKeysService, ThrottlerStorageModule],
})
export class AuthModule {}
