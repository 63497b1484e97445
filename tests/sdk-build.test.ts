import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sdkDir = fileURLToPath(new URL('../packages/sdk/', import.meta.url));
const require = createRequire(import.meta.url);

/** The package as a consumer installs it: package.json + dist, under node_modules of a scratch project. */
describe('SDK package build (ESM, CJS, declarations)', () => {
  let project: string;
  let installed: string;

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'sw-sdk-consumer-'));
    installed = join(project, 'node_modules/@shopwarden/sdk');
    mkdirSync(installed, { recursive: true });
    execFileSync(process.execPath, [join(sdkDir, 'scripts/build.mjs'), '--out', join(installed, 'dist')], {
      stdio: 'pipe',
    });
    copyFileSync(join(sdkDir, 'package.json'), join(installed, 'package.json'));
  }, 120_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

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
    expect(pkg.files).toEqual(['dist']);
    expect(pkg.exports['.']).toEqual({
      import: { types: './dist/types/index.d.ts', default: './dist/esm/index.js' },
      require: { types: './dist/types/index.d.cts', default: './dist/cjs/index.cjs' },
    });
  });

  it('declarations type-check for ESM and CommonJS consumers (moduleResolution node16)', () => {
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
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
