import { Injectable, OnModuleInit, UnsupportedMediaTypeException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';

const CSV_ROUTE = { csvBody: true };

// Marks the one route that takes a text/csv body (the contacts import).
export const AcceptsCsvBody = (): MethodDecorator => RouteConfig(CSV_ROUTE);

// text/csv bodies reach the contacts import as the raw request stream: never buffered, so a million-row file costs
// the memory of one batch. Fastify's bodyLimit does not apply to a stream; the importer counts bytes itself
// (CAMPAIGN_IMPORT_MAX_MB). Any other route answers a text/csv body with 415, as for any type it does not take:
// a stream where a handler expects parsed JSON would be a 500.
@Injectable()
export class CsvBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('text/csv')) return;
    fastify.addContentTypeParser('text/csv', (request, payload, done) => {
      const config = request.routeOptions.config as { csvBody?: boolean } | undefined;
      if (config?.csvBody === true) return done(null, payload);
      done(new UnsupportedMediaTypeException('Unsupported Media Type: text/csv (only the contacts import takes CSV; send application/json)'), undefined);
    });
  }
}
