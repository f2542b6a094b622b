import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

// text/csv bodies reach the contacts import as the raw request stream: never buffered, so a million-row file costs
// the memory of one batch. Fastify's bodyLimit does not apply to a stream; the importer counts bytes itself
// (CAMPAIGN_IMPORT_MAX_MB).
@Injectable()
export class CsvBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('text/csv')) return;
    fastify.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
  }
}
