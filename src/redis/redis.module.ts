import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { redisOptionsFromUrl } from './redis-options';
import { REDIS } from './redis.tokens';

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // The prefix carries a Redis Cluster hash tag ({cc}) so all of a queue's keys live in one slot.
        prefix: config.redis.queuePrefix,
        connection: { ...redisOptionsFromUrl(config.redis.url), maxRetriesPerRequest: null },
      }),
      extraOptions: { manualRegistration: true },
    }),
  ],
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      // No offline queue: when Redis is down, commands fail at once instead of piling up (readiness, rate limit).
      useFactory: (config: AppConfig) =>
        new Redis({ ...redisOptionsFromUrl(config.redis.url), enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }),
    },
  ],
  exports: [REDIS, BullModule],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
