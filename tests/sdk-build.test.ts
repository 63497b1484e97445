import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { createWorld, type World } from './support/fixtures.ts';

const sdkDir = fileURLToPath(new URL('../packages/sdk/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(import.meta.url);

/** The environment for a child npm: none of the npm_* variables of the npm that may have started this test. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, NODE_ENV: 'production', ...extra };
}

interface PackResult {
  filename: string;
  files: { path: string }[];
}

/** `npm pack` in packages/sdk: `prepack` builds, and the JSON report is the last thing npm prints. */
function pack(destination: string): PackResult {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: sdkDir,
    env: cleanEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(out.slice(out.lastIndexOf('\n[\n') + 1)) as PackResult[])[0]!;
}

/** The package as a consumer installs it: `npm pack`, then `npm install <tarball>` in a scratch project. */
describe('SDK package (npm pack, installed from the tarball)', () => {
  let project: string;
  let installed: string;
  let packed: PackResult;

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'sw-sdk-consumer-'));
    installed = join(project, 'node_modules/@shopwarden/sdk');
    packed = pack(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    execFileSync(
      'npm',
      ['install', join(project, packed.filename), '--prefer-offline', '--no-audit', '--no-fund', '--no-save'],
      { cwd: project, env: cleanEnv(), stdio: 'pipe' },
    );
  }, 300_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('packs the built package: both bundles, declarations, README, LICENSE, CHANGELOG, no sources', () => {
    const files = packed.files.map((f) => f.path).sort();
    for (const f of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'dist/esm/index.js',
      'dist/cjs/index.cjs',
      'dist/types/index.d.ts',
      'dist/types/index.d.cts',
      'persisted-documents.json',
    ])
      expect(files).toContain(f);
    expect(
      files.filter(
        (f) => !/^(dist\/|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$|persisted-documents\.json$)/.test(f),
      ),
    ).toEqual([]);
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toBe(readFileSync(join(repoRoot, 'LICENSE'), 'utf8'));
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: '@shopwarden/sdk',
      license: 'MIT',
      sideEffects: false,
      engines: { node: expect.stringMatching(/^>=\d+/) },
      repository: { type: 'git', directory: 'packages/sdk' },
    });
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  const fakeFetch = async () => ({
    status: 200,
    headers: { get: () => null },
    text: async () => JSON.stringify({ data: { viewer: { role: 'ADMIN' } } }),
  });

  it('require() resolves dist/cjs through "exports" and works', async () => {
    const consumerRequire = createRequire(join(project, 'consumer.cjs'));
    expect(consumerRequire.resolve('@shopwarden/sdk')).toBe(join(installed, 'dist/cjs/index.cjs'));
    const sdk = consumerRequire('@shopwarden/sdk');
    const client = sdk.createShopWardenClient({ url: 'http://x/graphql', apiKey: 'k', fetch: fakeFetch });
    expect(await client.request('{ viewer { role } }')).toMatchObject({
      status: 200,
      data: { viewer: { role: 'ADMIN' } },
    });
    expect(typeof sdk.ShopListDocument).toBe('string');
  });

  it('import resolves dist/esm through "exports" and works', async () => {
    writeFileSync(
      join(project, 'consumer.mjs'),
      `import { createShopWardenClient, isSuccess } from '@shopwarden/sdk';\nexport { createShopWardenClient, isSuccess };\n`,
    );
    const sdk = await import(/* @vite-ignore */ pathToFileURL(join(project, 'consumer.mjs')).href);
    const client = sdk.createShopWardenClient({ url: 'http://x/graphql', apiKey: 'k', fetch: fakeFetch });
    expect((await client.access.viewer()).role).toBe('ADMIN');
    expect(sdk.isSuccess({ __typename: 'ShopOnboardSuccess' })).toBe(true);
  });

  it('has no runtime dependency: the bundles import nothing, and package.json lists no dependencies', () => {
    for (const file of ['dist/esm/index.js', 'dist/cjs/index.cjs']) {
      const code = readFileSync(join(installed, file), 'utf8');
      expect(code).not.toMatch(/\bfrom\s*["'][^"'.]/);
      expect(code).not.toMatch(/require\(["'][^"'.]/);
    }
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.files).toEqual(['dist', 'persisted-documents.json', 'CHANGELOG.md']);
    expect(pkg.exports['.']).toEqual({
      import: { types: './dist/types/index.d.ts', default: './dist/esm/index.js' },
      require: { types: './dist/types/index.d.cts', default: './dist/cjs/index.cjs' },
    });
  });

  it('declarations type-check for ESM and CommonJS consumers (moduleResolution node16)', () => {
    const body = `
      const client = createShopWardenClient({ url: 'http://x/graphql', apiKey: 'k' });
      export async function run() {
        const result = await client.shops.onboard({ input: { name: 'A', sites: ['GB'] } });
        if (isSuccess(result)) { const id: string = result.shop.id; return id; }
        // @ts-expect-error name must be a string
        await client.shops.onboard({ input: { name: 1, sites: ['GB'] } });
        return null;
      }`;
    writeFileSync(
      join(project, 'esm.mts'),
      `import { createShopWardenClient, isSuccess } from '@shopwarden/sdk';\n${body}`,
    );
    writeFileSync(
      join(project, 'cjs.cts'),
      `import { createShopWardenClient, isSuccess } from '@shopwarden/sdk';\n${body}`,
    );
    const tsc = require.resolve('typescript/bin/tsc');
    let output = '';
    try {
      execFileSync(
        process.execPath,
        [
          tsc,
          '--noEmit',
          '--strict',
          '--module',
          'node16',
          '--moduleResolution',
          'node16',
          '--target',
          'ES2022',
          '--lib',
          'ES2022,DOM',
          '--types',
          'node',
          '--typeRoots',
          join(sdkDir, '../../node_modules/@types'),
          join(project, 'esm.mts'),
          join(project, 'cjs.cts'),
        ],
        { cwd: project, encoding: 'utf8', stdio: 'pipe' },
      );
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  }, 120_000);

  describe('against a live server', () => {
    let db: TestDatabase;
    let world: World;
    let server: Server;
    let url: string;

    beforeAll(async () => {
      db = await createTestDatabase('pglite');
      world = await createWorld(db.prisma);
      server = createServer(createTestApp(db).yoga);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    });
    afterAll(async () => {
      await new Promise((r) => server?.close(r));
      await db?.drop();
    });

    /** Runs an example from packages/sdk/examples/installed in the scratch project, as its own Node process. */
    async function runExample(file: string) {
      copyFileSync(join(sdkDir, 'examples/installed', file), join(project, file));
      const { stdout } = await promisify(execFile)(process.execPath, [file], {
        cwd: project,
        env: cleanEnv({ SHOPWARDEN_URL: url, SHOPWARDEN_API_KEY: world.adminKey }),
      });
      return stdout;
    }

    it('runs the ESM quick start from the installed package: reads, pages, a typed error', async () => {
      const stdout = await runExample('quick-start.mjs');
      const shops = await db.prisma.shop.count();
      expect(stdout).toContain('Signed in as ADMIN');
      expect(stdout).toContain(`${shops} shops in reach`);
      expect(stdout).toMatch(/refused: (VALIDATION_FAILED|input\.name)/);
    });

    it('runs the CommonJS quick start from the installed package', async () => {
      expect(await runExample('quick-start.cjs')).toContain('Signed in as ADMIN (CommonJS)');
    });
  });

  it('codegen refuses an operation that no longer matches the schema (so `npm run build` fails)', async () => {
    const { generate } = await import('@graphql-codegen/cli');
    const dir = mkdtempSync(join(tmpdir(), 'sw-sdk-codegen-'));
    try {
      writeFileSync(join(dir, 'platform.graphql'), 'query PlatformClock { platformClock { now tickRate } }\n');
      const run = generate(
        {
          cwd: sdkDir,
          schema: join(sdkDir, '../schema/schema.graphql'),
          documents: [join(dir, '*.graphql')],
          generates: { [join(dir, 'out.ts')]: { plugins: [join(sdkDir, 'codegen/sdk-operations-plugin.mjs')] } },
          silent: true,
        },
        false,
      );
      await expect(run).rejects.toThrow(/tickRate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
