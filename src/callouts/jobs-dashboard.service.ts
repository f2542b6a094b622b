import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeysService } from 'src/auth/api-keys.service';
import { AppConfig } from 'src/config/app-config';
import { JobRuntime } from 'src/jobs/job-runtime.service';

export const JOBS_DASHBOARD_PATH = '/admin/jobs';

const deny = (reply: FastifyReply, statusCode: 401 | 403, message: string) =>
  reply.status(statusCode).send({ statusCode, error: statusCode === 401 ? 'Unauthorized' : 'Forbidden', message });

// bull-board (BullMQ jobs) at /admin/jobs, for admins. It is a raw Fastify plugin, outside Nest's router, so the global
// ApiKeyGuard never sees it: the same API-key check runs here in an onRequest hook scoped to the prefix.
@Injectable()
export class JobsDashboard implements OnModuleInit {
  private readonly logger = new Logger('JobsDashboard');

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly jobs: JobRuntime,
    private readonly apiKeys: ApiKeysService,
  ) {}

  onModuleInit(): void {
    if (!this.config.runsApi) return;
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const serverAdapter = new BullBoardFastifyAdapter();
    serverAdapter.setBasePath(JOBS_DASHBOARD_PATH);
    createBullBoard({ queues: this.jobs.queues().map((q) => new BullMQAdapter(q)), serverAdapter });
    const authenticate = (request: FastifyRequest, reply: FastifyReply) => this.authenticate(request, reply);
    void fastify.register(
      async (scope) => {
        scope.addHook('onRequest', authenticate);
        await scope.register(serverAdapter.registerPlugin());
      },
      { prefix: JOBS_DASHBOARD_PATH },
    );
  }

  private async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) return deny(reply, 401, 'Missing API key: send Authorization: Bearer <key>');
    const key = await this.apiKeys.authenticate(match[1]);
    if (!key) return deny(reply, 401, 'Invalid or revoked API key');
    if (key.role !== 'admin') {
      this.logger.warn({ keyId: key.id, role: key.role }, 'Jobs dashboard refused to a non-admin key');
      return deny(reply, 403, `Role ${key.role} may not open the jobs dashboard (allowed: admin)`);
    }
  }
}
