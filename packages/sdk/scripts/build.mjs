// Builds dist/esm (ESM), dist/cjs (CommonJS) and dist/types (declarations for both) from src/.
// Usage: node scripts/build.mjs [--out <dir>]   (run `npm run build`, which regenerates and type-checks first)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const out = resolve(root, outArg > 0 ? process.argv[outArg + 1] : 'dist');
rmSync(out, { recursive: true, force: true });

const common = {
  entryPoints: [join(root, 'src/index.ts')],
  bundle: true,
  platform: 'neutral',
  // verifyWebhook bundles standardwebhooks (CommonJS, pure JS): the package keeps no dependencies.
  mainFields: ['module', 'main'],
  target: ['es2020', 'node18'],
  sourcemap: true,
  logLevel: 'warning',
};
await build({ ...common, format: 'esm', outfile: join(out, 'esm/index.js') });
await build({ ...common, format: 'cjs', outfile: join(out, 'cjs/index.cjs') });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(out, 'types')], {
  stdio: 'inherit',
});

// Declarations: `.ts` specifiers become `.js` (for `import`) and a `.d.cts` twin with `.cjs` ones (for `require`).
const relative = /(from\s+['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g;
function rewrite(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) rewrite(path);
    else if (entry.name.endsWith('.d.ts')) {
      const text = readFileSync(path, 'utf8');
      writeFileSync(path, text.replace(relative, '$1$2.js$3'));
      writeFileSync(path.replace(/\.d\.ts$/, '.d.cts'), text.replace(relative, '$1$2.cjs$3'));
    }
  }
}
rewrite(join(out, 'types'));
mkdirSync(join(out, 'cjs'), { recursive: true });
console.log(`built ${out}: esm/index.js, cjs/index.cjs, types/index.d.ts, types/index.d.cts`);
