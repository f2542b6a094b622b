import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import type { Role } from './roles';

interface Route {
  method: string;
  path: string;
  roles: Role[];
}

function controllerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? controllerFiles(join(dir, e.name)) : e.name.endsWith('.controller.ts') ? [join(dir, e.name)] : [],
  );
}

// Every admin route with the roles the guard lets through, read from the @Roles metadata as ApiKeyGuard reads it
// (the handler's, else the controller's, else admin only).
function adminRoutes(): Route[] {
  const src = join(__dirname, '..');
  const routes: Route[] = [];
  for (const file of controllerFiles(src)) {
    const mod = require(file) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports
    for (const controller of Object.values(mod)) {
      if (typeof controller !== 'function' || Reflect.getMetadata(PATH_METADATA, controller) === undefined) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller));
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler: unknown = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const read = <T>(key: string): T | undefined =>
          (Reflect.getMetadata(key, handler) as T | undefined) ?? (Reflect.getMetadata(key, controller) as T | undefined);
        if (read<boolean>(PUBLIC_KEY)) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler));
        const path = `/${[base, sub].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
        if (!path.startsWith('/api/v1/')) throw new Error(`${relative(src, file)} ${name}: ${path} is not under /api/v1`);
        routes.push({ method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number], path, roles: read<Role[]>(ROLES_KEY) ?? ['admin'] });
      }
    }
  }
  return routes;
}

// A route's group: its first segment under /api/v1 (`calls` for /api/v1/calls/{id}/recording/start), or `events`
// for an event stream.
const groupOf = (path: string): string => (path.endsWith('/events') ? 'events' : path.split('/')[3]);
const isRead = (route: Route): boolean => route.method === 'GET';

// The README's "Roles and auth" table, as `role` → [reads cell, changes cell].
function readmeRolesTable(): Map<string, [string, string]> {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Roles and auth'), readme.indexOf('## API overview'));
  const rows = new Map<string, [string, string]>();
  for (const line of section.split('\n')) {
    const cells = /^\| `(\w+)` \| (.*) \| (.*) \|$/.exec(line);
    if (cells) rows.set(cells[1], [cells[2], cells[3]]);
  }
  return rows;
}

// The groups a cell names: each `group` outside parentheses; one with a parenthesis after it is partly allowed.
function cellGroups(cell: string): { all: string[]; partial: string[] } {
  const entries = cell.split(/,\s*(?![^(]*\))/).map((e) => e.trim());
  const all: string[] = [];
  const partial: string[] = [];
  for (const entry of entries) {
    const match = /^`([\w-]+)`(\s*\(.*\))?$/.exec(entry);
    if (!match) {
      if (entry === 'none') continue;
      throw new Error(`README roles table: "${entry}" is not \`group\` or \`group\` (which part)`);
    }
    all.push(match[1]);
    if (match[2]) partial.push(match[1]);
  }
  return { all: all.sort(), partial: partial.sort() };
}

describe('README roles table matches the @Roles of every admin route', () => {
  const routes = adminRoutes();
  const table = readmeRolesTable();

  it('reads the routes of every controller', () => {
    expect(routes.length).toBeGreaterThan(100);
    expect(routes).toContainEqual({ method: 'GET', path: '/api/v1/agents/me', roles: ['agent'] });
    expect([...table.keys()].sort()).toEqual(['admin', 'agent', 'reporting', 'supervisor']);
  });

  it('admin: every route (the guard lets admin through wherever a route has @Roles)', () => {
    expect(table.get('admin')?.[0]).toMatch(/^every route\b/);
    expect(table.get('admin')?.[1]).toMatch(/^every route\b/);
  });

  for (const role of ['supervisor', 'agent', 'reporting'] as const) {
    for (const [column, kind] of [
      [0, 'reads (GET)'],
      [1, 'changes (POST, PUT, PATCH, DELETE)'],
    ] as const) {
      it(`${role}: the ${kind} column names each group the role may call, marking the ones it may call only in part`, () => {
        const ofKind = routes.filter((r) => isRead(r) === (column === 0));
        const groups = [...new Set(ofKind.map((r) => groupOf(r.path)))];
        const allowed = groups.filter((g) => ofKind.some((r) => groupOf(r.path) === g && r.roles.includes(role))).sort();
        const partly = allowed.filter((g) => ofKind.some((r) => groupOf(r.path) === g && !r.roles.includes(role)));
        const cell = cellGroups(table.get(role)![column]);
        expect({ role, kind, groups: cell.all }).toEqual({ role, kind, groups: allowed });
        // A group the role may call only in part must say which part (a note on a fully allowed group is fine).
        expect({ role, kind, partlyAllowedWithoutNote: partly.filter((g) => !cell.partial.includes(g)) }).toEqual({ role, kind, partlyAllowedWithoutNote: [] });
      });
    }
  }

  it("the API overview's rows that spell out a route state its roles as the guard enforces them", () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## API overview'), readme.indexOf('## Architecture'));
    let checked = 0;
    for (const line of section.split('\n')) {
      const cells = /^\| (.*?) \| ([a-z, ]+) \| /.exec(line);
      if (!cells) continue;
      const spelled = [...cells[1].matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/api\/v1\/[^`?]*?)(?:\?[^`]*)?`/g)];
      // `POST /api/v1/campaigns/{id}/start\|pause` is two routes.
      const expanded = spelled.flatMap(([, method, path]) => {
        const [head, ...alternatives] = path.split('\\|');
        const stem = head.slice(0, head.lastIndexOf('/') + 1);
        return [[method, head], ...alternatives.map((a) => [method, stem + a])];
      });
      for (const [method, path] of expanded) {
        // Parameters by position: the README may name them shorter (`{pid}` for `:participantId`).
        const route = routes.find((r) => r.method === method && r.path.replace(/:\w+/g, '{}') === path.replace(/\{\w+\}/g, '{}'));
        if (!route) throw new Error(`README API overview: ${method} ${path} is no route`);
        const stated = cells[2].split(', ').sort();
        expect({ route: `${method} ${path}`, roles: stated }).toEqual({ route: `${method} ${path}`, roles: [...route.roles].sort() });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});
