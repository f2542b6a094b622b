import { Controller, Get, HttpStatus, Inject, Logger, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from 'src/auth/auth.decorators';
import { withDeadline } from 'src/common/deadline';
import { REDIS } from 'src/redis/redis.tokens';

// `down` names the dependency only: driver error text (host names, ports, library internals) stays in the log.
type Check = { status: 'up' } | { status: 'down' };

const CHECK_TIMEOUT_MS = 2_000;
const logger = new Logger('Health');

async function check(name: string, probe: () => Promise<unknown>): Promise<Check> {
  try {
    await withDeadline(probe(), CHECK_TIMEOUT_MS, `${name} readiness probe`);
    return { status: 'up' };
  } catch (error) {
    logger.warn(`Readiness: ${name} is down: ${(error as Error).message}`);
    return { status: 'down' };
  }
}

@Public()
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'The process is alive' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ description: 'PostgreSQL and Redis answer' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; `checks` says which' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [postgres, redis] = await Promise.all([check('postgres', () => this.dataSource.query('SELECT 1')), check('redis', () => this.redis.ping())]);
    const ok = postgres.status === 'up' && redis.status === 'up';
    // passthrough keeps Nest in charge of the body; only the status code depends on the checks.
    reply.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    const down = Object.entries({ postgres, redis })
      .filter(([, c]) => c.status === 'down')
      .map(([name]) => name);
    return { status: ok ? 'ok' : 'error', ...(down.length > 0 ? { down } : {}), checks: { postgres, redis } };
  }
}
