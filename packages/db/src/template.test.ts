import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from './client';
import { applyMigrations, isUpToDate } from './migrate';
import { readTemplate, templatePath, writeTemplate } from './template';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the template of new embedded databases', () => {
  it('gives a new data folder every migration without running one, and is named after them', async () => {
    const file = await writeTemplate();
    expect(file).toBe(templatePath());
    expect(readTemplate()).toBeDefined();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sw-template-'));
    dirs.push(dataDir);
    const db = await createDatabase({ kind: 'pglite', dataDir });
    try {
      expect(await isUpToDate(db.migrationAdapterFactory)).toBe(true);
      expect(await applyMigrations(db.migrationAdapterFactory)).toEqual([]);
      // The tables are there and empty: the template carries no data.
      expect(await db.prisma.shop.count()).toBe(0);
      await db.prisma.platformSettings.create({ data: { id: 1 } });
    } finally {
      await db.close();
    }
    // Reopened, the folder is its own database (written to disk), not the template again.
    const again = await createDatabase({ kind: 'pglite', dataDir });
    try {
      expect(await again.prisma.platformSettings.count()).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('gives a memory:// database every migration only when asked (fromTemplate), each a copy of its own', async () => {
    if (!readTemplate()) await writeTemplate();
    const plain = await createDatabase({ kind: 'pglite', dataDir: 'memory://' });
    const first = await createDatabase({ kind: 'pglite', dataDir: 'memory://', fromTemplate: true });
    const second = await createDatabase({ kind: 'pglite', dataDir: 'memory://', fromTemplate: true });
    try {
      expect(await isUpToDate(plain.migrationAdapterFactory)).toBe(false);
      expect(await isUpToDate(first.migrationAdapterFactory)).toBe(true);
      await first.prisma.platformSettings.create({ data: { id: 1 } });
      expect(await second.prisma.platformSettings.count()).toBe(0);
    } finally {
      await Promise.all([plain.close(), first.close(), second.close()]);
    }
  });
});
