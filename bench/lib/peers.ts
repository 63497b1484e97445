import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const peersDir = fileURLToPath(new URL('../peers/', import.meta.url));

/** Installs PostGraphile into bench/peers the first time a run needs it (the root install leaves it out). */
export function ensurePeers(): void {
  if (existsSync(path.join(peersDir, 'node_modules/postgraphile/package.json'))) return;
  process.stderr.write('Installing the benchmark peers (PostGraphile) into bench/peers, once…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const done = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--no-package-lock', '--engine-strict=false'], {
    cwd: peersDir,
    stdio: 'inherit',
  });
  if (done.status !== 0) throw new Error(`npm install in ${peersDir} failed (exit ${done.status})`);
}
