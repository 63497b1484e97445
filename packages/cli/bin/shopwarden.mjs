#!/usr/bin/env node
// Runs the built CLI; inside the repository it builds it first when dist/ is missing (npm run build rebuilds it).
import { existsSync } from 'node:fs';

const dist = new URL('../dist/shopwarden.mjs', import.meta.url);
if (!existsSync(dist)) {
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [new URL('../scripts/build.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
await import(dist.href);
