// Compiles the API for `npm start`: src/main.ts and src/worker-main.ts bundled with the workspace
// packages (@shopwarden/*, TypeScript sources) and most dependencies; EXTERNAL ones stay in node_modules.
// Usage: node scripts/build.mjs   (npm install runs it; `npm start` runs it again when a source changed)
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const apiDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = join(apiDir, 'dist');
/** Written last: the sources a build read, so a start can tell whether the build is stale. */
export const manifestPath = join(distDir, 'build-inputs.json');
export const ENTRIES = ['main', 'worker-main'];

/**
 * Packages loaded from node_modules at run time; everything else is bundled, which halves the
 * cost of loading the server (fewer files to resolve, read and compile).
 */
const EXTERNAL = [
  'graphql', // one instance with whatever else loads it at run time: the schema's instanceof checks need it
  '@electric-sql/pglite', // reads its WebAssembly and data files next to its own modules
  'pglite-prisma-adapter',
  '@prisma/client', // its runtime loads the query compiler's WebAssembly relative to itself
  '@prisma/schema-engine-wasm', // located with require.resolve when a migration has to run
  'pg', // requires the optional pg-native at run time
  'pg-native',
];

const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./#]/ }, (args) => {
      const external = EXTERNAL.some((name) => args.path === name || args.path.startsWith(`${name}/`));
      return external ? { path: args.path, external: true } : undefined;
    });
  },
};

export async function buildApi({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const started = performance.now();
  const startedAt = Date.now();
  const { build } = await import('esbuild');
  // Built beside dist/ and swapped in, so a process starting meanwhile never imports half a build.
  const outdir = `${distDir}.${process.pid}.tmp`;
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: Object.fromEntries(ENTRIES.map((name) => [name, join(apiDir, 'src', `${name}.ts`)])),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.11',
    outExtension: { '.js': '.js' },
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    plugins: [externalPackages],
    // Bundled CommonJS packages call require (builtins, optional dependencies): give them Node's.
    banner: {
      js: "import { createRequire as __swCreateRequire } from 'node:module';\nconst require = __swCreateRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'warning',
  });
  const root = resolve(apiDir, '../..');
  const inputs = Object.keys(result.metafile.inputs)
    .map((file) => relative(root, resolve(process.cwd(), file)))
    .filter((file) => !file.split(/[\\/]/).includes('node_modules'));
  // A changed build script also makes the build stale.
  inputs.push(relative(root, fileURLToPath(import.meta.url)));
  writeFileSync(join(outdir, 'build-inputs.json'), `${JSON.stringify({ builtAt: startedAt, inputs }, null, 2)}\n`);
  rmSync(distDir, { recursive: true, force: true });
  renameSync(outdir, distDir);
  log(`built apps/api/dist (${inputs.length} sources) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildApi();
