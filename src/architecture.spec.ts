import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import * as ts from 'typescript';

// The layer rules (docs/layers.md), checked over every import in src/: `import ... from`, `export ... from`,
// `import()` and `require()`, with the `src/...` alias or a relative path. Packages are not checked.
//
// 1. Every top-level folder of src/ is in a layer (or is the simulator), and every top-level file is an app file:
//    a new feature must be placed here before it can exist.
// 2. Imports only point down or sideways: a folder imports folders of its own layer or lower ones. The app files
//    import anything.
// 3. The simulator sits beside the service: it imports sinch/ only, and only the app files import it (e2e tests in
//    test/ do too; they are not checked here).
// 4. Public surfaces. Importing a file of another folder that is in the same layer, or of any folder from `calls`
//    up (they own tables and state), is allowed only when that file is the folder's public surface:
//      - its `*.module.ts` files,
//      - the files declaring what a module lists in `exports: [...]` (CallsService, CallbackHandlers, ...),
//      - the files a module re-exports from (`export { X } from '...'` / `export type`), which is how a module
//        declares the types and pure helpers of its contract (entities used as types, the `custom` codec).
//    Base and platform folders are libraries to the layers above them: any of their files may be imported there.
//
// health/ sits with the features: it imports auth/ (@Public) and redis/ only, and nothing imports it.
// metrics/ is platform: calls/, callouts/ and callbacks/ inject Metrics, and its controller uses auth/'s @Public
// (auth.module.ts re-exports the decorators, so that is a public-surface import).
const LAYERS: readonly (readonly string[])[] = [
  ['config'],
  ['common', 'database', 'redis'],
  ['sinch', 'auth', 'jobs', 'metrics', 'events'],
  ['calls'],
  ['callbacks', 'callouts', 'compliance'],
  ['campaigns', 'queues', 'conferences', 'recordings', 'numbers', 'reports', 'health', 'console'],
];
const FIRST_DOMAIN_LAYER = 3; // `calls` and above: other folders see their public surface only
const SIMULATOR = 'simulator';
const SIMULATOR_MAY_IMPORT = ['sinch'];
const APP_FILES = ['main.ts', 'app.module.ts', 'app.factory.ts', 'embedded-simulator.module.ts', 'architecture.spec.ts'];

// Violations that concurrent work removes. Each entry is `importer -> imported` (paths without `.ts`); the spec
// fails on a violation not listed here and on an entry that no longer occurs, so this list only shrinks.
const KNOWN_VIOLATIONS: readonly string[] = [];

type Sources = ReadonlyMap<string, string>; // `src/...ts` path -> source text

interface Violation {
  importer: string;
  specifier: string;
  imported: string;
  rule: string;
}

const layerOf = (folder: string): number => LAYERS.findIndex((layer) => layer.includes(folder));
const stripTs = (path: string): string => path.replace(/\.ts$/, '');

// `src/calls/call.entity.ts` -> `calls`; a top-level file -> undefined.
function folderOf(path: string): string | undefined {
  const parts = path.split('/');
  return parts.length > 2 ? parts[1] : undefined;
}

function resolveImport(importer: string, specifier: string, sources: Sources): string | undefined {
  let base: string;
  if (specifier.startsWith('src/')) base = specifier;
  else if (specifier.startsWith('.')) base = posix.normalize(posix.join(posix.dirname(importer), specifier));
  else return undefined; // a package
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) if (sources.has(candidate)) return candidate;
  return `${base}.ts`; // unresolved (the compiler reports it); checked by folder all the same
}

function importsOf(path: string, source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

// The public surface of each folder (rule 4): module files, the files of what they export, and what they re-export.
function publicSurfaces(sources: Sources): Map<string, Set<string>> {
  const surfaces = new Map<string, Set<string>>();
  for (const [path, source] of sources) {
    const folder = folderOf(path);
    if (!folder || !path.endsWith('.module.ts')) continue;
    const surface = surfaces.get(folder) ?? new Set<string>();
    surfaces.set(folder, surface);
    surface.add(path);
    const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const importedFrom = new Map<string, string>();
    const exported: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.importClause) {
        const target = resolveImport(path, node.moduleSpecifier.text, sources);
        const bindings = node.importClause.namedBindings;
        if (target && bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) importedFrom.set(el.name.text, target);
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const target = resolveImport(path, node.moduleSpecifier.text, sources);
        if (target && folderOf(target) === folder) surface.add(target);
      } else if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === 'exports' && ts.isArrayLiteralExpression(node.initializer)) {
        for (const el of node.initializer.elements) if (ts.isIdentifier(el)) exported.push(el.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    for (const name of exported) {
      const target = importedFrom.get(name);
      if (target && folderOf(target) === folder) surface.add(target);
    }
  }
  return surfaces;
}

// Rule 1: the top-level entries of src/ that are in no layer.
function unplaced(sources: Sources): string[] {
  const unknown = new Set<string>();
  for (const path of sources.keys()) {
    const folder = folderOf(path);
    if (folder === undefined) {
      if (!APP_FILES.includes(path.slice('src/'.length))) unknown.add(`${path} (a top-level file that is not an app file)`);
    } else if (folder !== SIMULATOR && layerOf(folder) < 0) {
      unknown.add(`src/${folder}/ (a folder in no layer: add it to LAYERS in src/architecture.spec.ts)`);
    }
  }
  return [...unknown].sort();
}

// Rules 2 to 4.
function violations(sources: Sources): Violation[] {
  const surfaces = publicSurfaces(sources);
  const found: Violation[] = [];
  for (const [importer, source] of sources) {
    const from = folderOf(importer);
    for (const specifier of importsOf(importer, source)) {
      const imported = resolveImport(importer, specifier, sources);
      if (!imported) continue;
      const to = folderOf(imported);
      const add = (rule: string): void => void found.push({ importer, specifier, imported, rule });
      if (from === undefined || from === to) continue; // app files import anything; a folder its own files
      if (to === undefined) {
        add('only the app files import the app files');
      } else if (to === SIMULATOR) {
        add('only the app files import the simulator (it sits beside the service)');
      } else if (from === SIMULATOR) {
        if (!SIMULATOR_MAY_IMPORT.includes(to)) add(`the simulator imports ${SIMULATOR_MAY_IMPORT.join(', ')}/ only`);
      } else if (layerOf(to) > layerOf(from)) {
        add(`runs up a layer: ${from}/ (${LAYERS[layerOf(from)].join(', ')}) is below ${to}/ (${LAYERS[layerOf(to)].join(', ')})`);
      } else if ((layerOf(to) === layerOf(from) || layerOf(to) >= FIRST_DOMAIN_LAYER) && !surfaces.get(to)?.has(imported)) {
        const surface = [...(surfaces.get(to) ?? [])].map(stripTs).sort().join(', ') || 'none: it has no module';
        add(`reaches into ${to}/'s internals: import its public surface instead (${surface})`);
      }
    }
  }
  return found;
}

const key = (v: Violation): string => `${v.importer.replace(/\.ts$/, '')} -> ${stripTs(v.imported)}`;

function readSources(root: string): Map<string, string> {
  const sources = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(root, dir))) {
      const rel = posix.join(dir, name);
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else if (name.endsWith('.ts')) sources.set(rel, readFileSync(join(root, rel), 'utf8'));
    }
  };
  walk('src');
  return sources;
}

describe('layers (docs/layers.md)', () => {
  const root = join(__dirname, '..');
  const sources = readSources(root);

  it('reads the source tree', () => {
    expect(existsSync(join(root, 'src/app.module.ts'))).toBe(true);
    expect(sources.size).toBeGreaterThan(100);
  });

  it('places every top-level folder of src/ in a layer', () => {
    expect(unplaced(sources)).toEqual([]);
  });

  it('has no import that runs up a layer or into another folder internals, beyond the known ones', () => {
    const known = new Set(KNOWN_VIOLATIONS);
    const fresh = violations(sources)
      .filter((v) => !known.has(key(v)))
      .map((v) => `${v.importer} imports '${v.specifier}': ${v.rule}`);
    expect(fresh).toEqual([]);
  });

  it('lists only known violations that still occur (the list only shrinks)', () => {
    const occurring = new Set(violations(sources).map(key));
    const gone = KNOWN_VIOLATIONS.filter((entry) => !occurring.has(entry)).map((entry) => `${entry}: fixed, remove it from KNOWN_VIOLATIONS`);
    expect(gone).toEqual([]);
  });

  describe('the checker itself', () => {
    const tree = (files: Record<string, string>): Sources => new Map(Object.entries(files));

    it('flags an import up a layer, naming the file, the import and the rule', () => {
      const found = violations(tree({ 'src/sinch/x.ts': "import { CallsService } from 'src/calls/calls.service';", 'src/calls/calls.service.ts': '' }));
      expect(found).toEqual([
        {
          importer: 'src/sinch/x.ts',
          specifier: 'src/calls/calls.service',
          imported: 'src/calls/calls.service.ts',
          rule: expect.stringContaining('runs up a layer'),
        },
      ]);
    });

    it('allows a public surface (module, exported class, re-export) and flags internals, relative paths included', () => {
      const files = tree({
        'src/calls/calls.module.ts': [
          "import { CallsService } from './calls.service';",
          "import { CallLedger } from './call-ledger';",
          "export type { Call } from './call.entity';",
          '@Module({ providers: [CallsService, CallLedger], exports: [CallsService] })',
          'export class CallsModule {}',
        ].join('\n'),
        'src/calls/calls.service.ts': '',
        'src/calls/call.entity.ts': '',
        'src/calls/call-ledger.ts': '',
        'src/callouts/a.ts': [
          "import { CallsModule } from 'src/calls/calls.module';",
          "import { CallsService } from '../calls/calls.service';",
          "import type { Call } from 'src/calls/call.entity';",
          "export { CallLedger } from '../calls/call-ledger';",
        ].join('\n'),
      });
      expect(violations(files).map((v) => [v.specifier, v.rule.split(':')[0]])).toEqual([['../calls/call-ledger', "reaches into calls/'s internals"]]);
    });

    it('lets base and platform folders be libraries to the layers above, but not to their own layer', () => {
      const files = tree({
        'src/auth/auth.module.ts': '@Module({})\nexport class AuthModule {}',
        'src/auth/roles.ts': '',
        'src/callouts/a.ts': "import { Role } from 'src/auth/roles';",
        'src/metrics/m.ts': "const roles = import('src/auth/roles');",
      });
      expect(violations(files).map((v) => v.importer)).toEqual(['src/metrics/m.ts']);
    });

    it('keeps the simulator beside: it imports sinch/ only and only app files import it', () => {
      const files = tree({
        'src/simulator/s.ts': "import { isRecord } from 'src/sinch/json';\nimport { isE164 } from 'src/common/phone-number';",
        'src/sinch/json.ts': '',
        'src/common/phone-number.ts': '',
        'src/callouts/c.ts': "import { createSimulator } from 'src/simulator/s';",
        'src/app.module.ts': "import { createSimulator } from './simulator/s';",
      });
      expect(violations(files).map((v) => `${v.importer} -> ${v.specifier}`)).toEqual([
        'src/simulator/s.ts -> src/common/phone-number',
        'src/callouts/c.ts -> src/simulator/s',
      ]);
    });

    it('fails on a folder in no layer and on an unknown top-level file', () => {
      expect(unplaced(tree({ 'src/billing/b.ts': '', 'src/helpers.ts': '', 'src/main.ts': '' }))).toEqual([
        'src/billing/ (a folder in no layer: add it to LAYERS in src/architecture.spec.ts)',
        'src/helpers.ts (a top-level file that is not an app file)',
      ]);
    });
  });
});
