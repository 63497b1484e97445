#!/usr/bin/env node
// Runs the built CLI. Inside the repository (where src/ exists) it builds dist/ first when it is missing or older
// than one of the sources it was bundled from, the SDK's included; a published package runs dist/ as it is.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const dist = new URL('dist/shopwarden.mjs', root);

function stale() {
  if (!existsSync(dist)) return true;
  if (!existsSync(new URL('src/', root))) return false;
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('dist/build-inputs.json', root), 'utf8'));
    return inputs.some((input) => {
      const file = new URL(input, root);
      return !existsSync(file) || statSync(file).mtimeMs > builtAt;
    });
  } catch {
    return true;
  }
}

if (stale()) {
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [fileURLToPath(new URL('scripts/build.mjs', root))], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
await import(dist.href);
