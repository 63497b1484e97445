import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every .ts file under `dir`, skipping generated code and dependencies. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'generated' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name) && !/\.d\.ts$/.test(name)) out.push(path);
  }
  return out;
}

/** Resolves a relative or `#alias` specifier to a file of the same package; null for anything else. */
function resolveImport(from: string, specifier: string, packageDir: string, aliases: Record<string, string>) {
  let target: string | null = null;
  if (specifier.startsWith('.')) target = resolve(dirname(from), specifier);
  else if (specifier.startsWith('#')) {
    for (const [pattern, to] of Object.entries(aliases)) {
      if (pattern === specifier) target = resolve(packageDir, to);
      else if (pattern.endsWith('*') && specifier.startsWith(pattern.slice(0, -1)))
        target = resolve(packageDir, to.replace('*', specifier.slice(pattern.length - 1)));
    }
  }
  if (!target) return null;
  for (const candidate of [target, `${target}.ts`, join(target, 'index.ts')])
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return null;
}

/**
 * The import cycles inside one package (type-only imports count: a type cycle is still a loop a
 * reader must follow): each strongly connected group of files, as paths relative to the package.
 */
export function importCycles(packageDir: string, srcDir = join(packageDir, 'src')): string[][] {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    imports?: Record<string, string>;
  };
  const aliases = manifest.imports ?? {};
  const files = sourceFiles(srcDir);
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((f) => resolveImport(file, f.fileName, packageDir, aliases))
      .filter((t): t is string => t !== null);
    edges.set(file, targets);
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w === undefined) break;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || (edges.get(v) ?? []).includes(v))
      cycles.push(group.map((f) => relative(packageDir, f)).sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return cycles;
}

describe('import cycles', () => {
  it('finds a cycle through a type-only import and an #alias', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cycles-'));
    mkdirSync(join(dir, 'src/modules'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ imports: { '#modules/*': './src/modules/*' } }));
    writeFileSync(join(dir, 'src/context.ts'), "import type { A } from './modules/a.ts';\nexport type C = A;\n");
    writeFileSync(join(dir, 'src/modules/a.ts'), "import type { C } from '#modules/b.ts';\nexport type A = C;\n");
    writeFileSync(join(dir, 'src/modules/b.ts'), "import type { C } from '../context.ts';\nexport type B = C;\n");
    writeFileSync(join(dir, 'src/leaf.ts'), "import './context.ts';\n");
    expect(importCycles(dir)).toEqual([['src/context.ts', 'src/modules/a.ts', 'src/modules/b.ts']]);
  });

  it.each(['packages/schema', 'packages/jobs', 'packages/sdk', 'apps/api'])('%s has none', (pkg) => {
    expect(importCycles(join(repo, pkg))).toEqual([]);
  });

  it('context.ts imports no module but the Viewer type (feeds are registered from outside)', () => {
    const context = join(repo, 'packages/schema/src/context.ts');
    const imports = ts.preProcessFile(readFileSync(context, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
    expect(imports.filter((f) => f.startsWith('.') || f.startsWith('#'))).toEqual(['./modules/auth/viewer.ts']);
  });
});
