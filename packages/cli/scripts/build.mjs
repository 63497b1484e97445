// Bundles src/, the SDK's sources and the parts of graphql it uses into dist/shopwarden.mjs; commander, cli-progress and csv-parse stay
// dependencies. Usage: node scripts/build.mjs
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, 'dist');
rmSync(out, { recursive: true, force: true });

const started = Date.now();
const { metafile } = await build({
  entryPoints: [join(root, 'src/index.ts')],
  outfile: join(out, 'shopwarden.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // graphql's ES modules, so only the parser and its few neighbours are bundled.
  mainFields: ['module', 'main'],
  // tsconfig.json maps @shopwarden/sdk to its sources: the CLI ships the SDK it was built and tested with.
  tsconfig: join(root, 'tsconfig.json'),
  external: Object.keys(pkg.dependencies),
  define: { __CLI_VERSION__: JSON.stringify(pkg.version) },
  sourcemap: true,
  logLevel: 'warning',
  metafile: true,
});
// The sources the bundle came from (the CLI's and the SDK's): bin/shopwarden.mjs rebuilds when one is newer.
const inputs = Object.keys(metafile.inputs)
  .filter((input) => !input.includes('node_modules/'))
  .map((input) => relative(root, resolve(input)));
writeFileSync(join(out, 'build-inputs.json'), `${JSON.stringify({ builtAt: started, inputs }, null, 2)}\n`);
console.log(`built ${join(out, 'shopwarden.mjs')}`);
