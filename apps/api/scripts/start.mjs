// `npm start` / `npm run worker`: runs the compiled API (dist/), building it first when it is missing
// or older than one of its sources, in a child process with the heap limit of heap-flags.mjs.
// Usage: node scripts/start.mjs [main|worker-main]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { apiDir, buildApi, distDir, ENTRIES, manifestPath } from './build.mjs';
import { heapFlags } from './heap-flags.mjs';

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

let flags;
try {
  flags = heapFlags();
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
if (!flags.length) {
  await import(pathToFileURL(join(distDir, `${entry}.js`)).href);
} else {
  // V8 sizes its heap when the process starts: the API runs in a child started with the flags.
  const child = spawn(process.execPath, [...process.execArgv, ...flags, join(distDir, `${entry}.js`)], {
    stdio: 'inherit',
  });
  const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of forwarded) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      // Exit the way the child did, so a supervisor sees the signal.
      for (const s of forwarded) process.removeAllListeners(s);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
}
