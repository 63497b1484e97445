// Compiles the API for `npm start`: src/main.ts and src/worker-main.ts, with the workspace packages
// (@shopwarden/*, published as TypeScript sources) bundled in and every other package left to node_modules.
// Usage: node scripts/build.mjs   (npm install runs it; `npm start` runs it again when a source changed)
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const apiDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = join(apiDir, 'dist');
/** Written last: the sources a build read, so a start can tell whether the build is stale. */
export const manifestPath = join(distDir, 'build-inputs.json');
export const ENTRIES = ['main', 'worker-main'];

/** Bare imports stay imports (resolved from node_modules at run time) unless they name a workspace package. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./#]/ }, (args) => {
      if (args.path.startsWith('@shopwarden/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
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
