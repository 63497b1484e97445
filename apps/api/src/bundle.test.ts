import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const apiDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const staticImport = /(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g;

/** The files Node loads at start for `entry`: static imports only (a dynamic `import()` waits for its first use). */
function staticGraph(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  for (const [, spec] of readFileSync(entry, 'utf8').matchAll(staticImport)) {
    if (spec) staticGraph(resolve(dirname(entry), spec), seen);
  }
  return seen;
}

describe('the compiled bundle `npm start` runs', () => {
  let out: string;
  beforeAll(() => {
    out = join(mkdtempSync(join(tmpdir(), 'sw-bundle-')), 'dist');
    execFileSync(process.execPath, [join(apiDir, 'scripts/build.mjs'), '--out', out], { stdio: 'pipe' });
  });
  afterAll(() => rmSync(dirname(out), { recursive: true, force: true }));

  it('is ASCII only, so V8 keeps each module source at one byte per character', () => {
    const files = readdirSync(out, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(1);
    const offending = files.filter((f) => /[\u0080-\u00ff]/.test(readFileSync(join(out, f), 'latin1')));
    expect(offending).toEqual([]);
  });

  it('loads GraphiQL only when a page is asked for: the API process starts with a small source', () => {
    const loaded = [...staticGraph(join(out, 'main.js'))];
    expect(loaded.length).toBeGreaterThan(1);
    const bytes = loaded.reduce((sum, file) => sum + readFileSync(file).length, 0);
    expect(loaded.some((file) => readFileSync(file, 'utf8').includes('monaco-action-bar'))).toBe(false);
    expect(bytes).toBeLessThan(6_000_000);
  });
});
