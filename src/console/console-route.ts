import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const CONSOLE_PATH = '/console/';

// The operator console (sources in console/, built by `npm run build` into dist/console). This file runs compiled
// from dist/src/console/ or, in the tests, as TypeScript from src/console/: either way the project root is found.
const PROJECT_ROOT = join(__dirname, ...(__filename.endsWith('.js') ? ['..', '..', '..'] : ['..', '..']));
export const CONSOLE_BUILD_DIR = join(PROJECT_ROOT, 'dist', 'console');

function consoleDirectory(): string | undefined {
  return existsSync(join(CONSOLE_BUILD_DIR, 'index.html')) ? CONSOLE_BUILD_DIR : undefined;
}

// The console's page may play recordings it fetched itself (blob: media) and talks to this origin only; everything
// else is as strict as helmet's defaults for the API. No inline scripts: Vite emits module files.
export const CONSOLE_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// Serves the console's static files at /console/ (the API key is typed in the page: these files are public, the
// API behind them is not). Not built (a development checkout that never ran the build): a clear 404 instead.
export async function registerConsole(fastify: FastifyInstance): Promise<void> {
  const root = consoleDirectory();
  await fastify.register(async (scope) => {
    scope.addHook('onSend', (_request, reply, payload, done) => {
      reply.header('content-security-policy', CONSOLE_CSP);
      done(null, payload);
    });
    if (root) {
      // Assets have content-hashed names: cached for a year. index.html is `no-store` (app.factory's onSend hook).
      await scope.register(fastifyStatic, {
        root,
        prefix: CONSOLE_PATH,
        decorateReply: false,
        redirect: true,
        index: 'index.html',
        maxAge: '365d',
        immutable: true,
      });
      scope.get('/console', (_request, reply) => reply.redirect(CONSOLE_PATH, 301));
    } else {
      const notBuilt = (_request: unknown, reply: { status(code: number): { send(body: unknown): unknown } }) =>
        reply.status(404).send({ statusCode: 404, error: 'Not Found', code: 'console_not_built', message: 'The console is not built: run npm run build' });
      scope.get('/console', notBuilt);
      scope.get('/console/*', notBuilt);
    }
  });
}
