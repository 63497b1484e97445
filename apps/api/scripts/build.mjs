// Compiles the API for `npm start`: src/main.ts and src/worker-main.ts bundled with the workspace
// packages (@shopwarden/*, TypeScript sources) and most dependencies; EXTERNAL ones stay in node_modules.
// Usage: node scripts/build.mjs [--out dir]   (npm install runs it; `npm start` runs it again when a source changed)
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/** Fails on a bundle with a character outside ASCII: V8 would hold that module's whole source as UTF-16. */
export function assertAscii(dir) {
  for (const entry of readdirSync(dir, { recursive: true })) {
    const file = join(dir, String(entry));
    if (!file.endsWith('.js')) continue;
    const text = readFileSync(file, 'latin1');
    const at = text.search(/[\u0080-\u00ff]/);
    if (at >= 0) {
      const line = text.slice(0, at).split('\n').length;
      throw new Error(`${relative(apiDir, file)}:${line} holds a non-ASCII character; escape it in the source`);
    }
  }
}

export async function buildApi({
  log = (line) => process.stderr.write(`${line}\n`),
  into = distDir,
  entryPoints = Object.fromEntries(ENTRIES.map((name) => [name, join(apiDir, 'src', `${name}.ts`)])),
} = {}) {
  const started = performance.now();
  const startedAt = Date.now();
  const { build } = await import('esbuild');
  // Built beside dist/ and swapped in, so a process starting meanwhile never imports half a build.
  const outdir = `${into}.${process.pid}.tmp`;
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.11',
    outExtension: { '.js': '.js' },
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    // No comments in the bundle: V8 keeps every module's source text, twice the size if one character is not ASCII.
    minifyWhitespace: true,
    legalComments: 'linked',
    plugins: [externalPackages],
    // Bundled CommonJS packages call require (builtins, optional dependencies): give them Node's.
    banner: {
      js: "import { createRequire as __swCreateRequire } from 'node:module';\nconst require = __swCreateRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'warning',
  });
  assertAscii(outdir);
  const root = resolve(apiDir, '../..');
  const inputs = Object.keys(result.metafile.inputs)
    .map((file) => relative(root, resolve(process.cwd(), file)))
    .filter((file) => !file.split(/[\\/]/).includes('node_modules'));
  // A changed build script also makes the build stale.
  inputs.push(relative(root, fileURLToPath(import.meta.url)));
  writeFileSync(join(outdir, 'build-inputs.json'), `${JSON.stringify({ builtAt: startedAt, inputs }, null, 2)}\n`);
  rmSync(into, { recursive: true, force: true });
  renameSync(outdir, into);
  log(
    `built ${relative(root, into)} (${inputs.length} sources) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const out = process.argv.indexOf('--out');
  await buildApi(out > 0 ? { into: resolve(process.argv[out + 1] ?? '') } : {});
}
