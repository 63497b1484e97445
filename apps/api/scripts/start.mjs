// `npm start` / `npm run worker`: runs the compiled API (dist/), building it first when it is missing
// or older than one of its sources. Usage: node scripts/start.mjs [main|worker-main]
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { apiDir, buildApi, distDir, ENTRIES, manifestPath } from './build.mjs';

const entry = process.argv[2] ?? 'main';
if (!ENTRIES.includes(entry)) {
  process.stderr.write(`unknown entry ${entry}; one of ${ENTRIES.join(', ')}\n`);
  process.exit(2);
}

/** Why the build must run again, or null when dist/ is current. */
function staleness() {
  if (!existsSync(manifestPath)) return 'no build yet';
  const { builtAt, inputs } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const root = resolve(apiDir, '../..');
  for (const input of inputs) {
    const file = join(root, input);
    if (!existsSync(file)) return `${input} is gone`;
    if (statSync(file).mtimeMs > builtAt) return `${input} changed`;
  }
  return null;
}

const stale = staleness();
if (stale) {
  const esbuild = await import('esbuild').then(
    () => true,
    () => false,
  );
  if (esbuild) {
    process.stderr.write(`Building the API (${stale})…\n`);
    await buildApi();
  } else if (existsSync(join(distDir, `${entry}.js`))) {
    process.stderr.write(`warning: apps/api/dist may be stale (${stale}) and esbuild is not installed to rebuild it\n`);
  } else {
    process.stderr.write(
      'apps/api/dist is missing and esbuild is not installed: run `npm install` (with dev dependencies)\n',
    );
    process.exit(1);
  }
}

await import(pathToFileURL(join(distDir, `${entry}.js`)).href);
