import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase } from './client.ts';
import { DataFolderInUseError, LOCK_FILE, lockDataFolder, type LockHolder } from './data-lock.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sw-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lockFile = () => path.join(dir, LOCK_FILE);
const writeHolder = (holder: Partial<LockHolder>) =>
  writeFileSync(
    lockFile(),
    JSON.stringify({
      host: hostname(),
      command: 'node main.ts',
      since: '2026-01-01T00:00:00.000Z',
      token: 't',
      ...holder,
    }),
  );

/** A live process other than this one, and a way to end it by SIGKILL. */
function otherProcess() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  return {
    pid: child.pid!,
    kill: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

describe('the data folder lock', () => {
  it('refuses a second opener at once, naming the holder, and frees the folder on release', async () => {
    const lock = await lockDataFolder(dir);
    const holder = JSON.parse(readFileSync(lockFile(), 'utf8')) as LockHolder;
    expect(holder.pid).toBe(process.pid);
    const started = performance.now();
    const refused = await lockDataFolder(dir).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(500);
    expect(refused).toBeInstanceOf(DataFolderInUseError);
    expect((refused as Error).message).toMatch(/in use by this process/);
    lock.release();
    expect(existsSync(lockFile())).toBe(false);
    (await lockDataFolder(dir)).release();
  });

  it('refuses while another live process holds it, and takes the lock over once that process was killed', async () => {
    const other = otherProcess();
    try {
      writeHolder({ pid: other.pid, token: 'other' });
      const refused = await lockDataFolder(dir).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DataFolderInUseError);
      expect((refused as Error).message).toContain(`in use by process ${other.pid} (node main.ts`);
      expect(JSON.parse(readFileSync(lockFile(), 'utf8')).token).toBe('other');
    } finally {
      await other.kill();
    }
    const lock = await lockDataFolder(dir);
    expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it.skipIf(!existsSync('/proc/self/stat'))(
    'does not mistake a recycled PID for the holder (needs Linux /proc)',
    async () => {
      const other = otherProcess();
      try {
        // The PID is alive, but it is not the process that wrote the lock (another start time).
        writeHolder({
          pid: other.pid,
          bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
          startTicks: '1',
        });
        (await lockDataFolder(dir)).release();
        writeHolder({ pid: other.pid, bootId: 'another-boot', startTicks: '1' });
        (await lockDataFolder(dir)).release();
      } finally {
        await other.kill();
      }
    },
  );

  it('takes over a lock whose holder is gone, or that a crash left empty', async () => {
    writeHolder({ pid: 2 ** 22 + 1 });
    (await lockDataFolder(dir)).release();
    writeFileSync(lockFile(), '');
    const past = new Date(Date.now() - 5_000);
    utimesSync(lockFile(), past, past);
    (await lockDataFolder(dir)).release();
  });

  it('names the other host when the holder runs elsewhere, and does not guess whether it lives', async () => {
    writeHolder({ pid: 2 ** 22 + 1, host: 'elsewhere' });
    const refused = await lockDataFolder(dir).catch((e: unknown) => e);
    expect((refused as Error).message).toContain(`process ${2 ** 22 + 1} on host elsewhere`);
    expect((refused as Error).message).toContain(`delete ${lockFile()}`);
  });

  it('releasing does not remove a lock another process wrote meanwhile', async () => {
    const lock = await lockDataFolder(dir);
    writeHolder({ pid: process.pid, token: 'someone else' });
    lock.release();
    expect(existsSync(lockFile())).toBe(true);
  });

  it('createDatabase holds the folder until close, and a refused open leaves the holder working', async () => {
    const first = await createDatabase({ kind: 'pglite', dataDir: dir });
    try {
      await expect(createDatabase({ kind: 'pglite', dataDir: dir })).rejects.toBeInstanceOf(DataFolderInUseError);
      expect(await first.prisma.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    } finally {
      await first.close();
    }
    expect(existsSync(lockFile())).toBe(false);
    const again = await createDatabase({ kind: 'pglite', dataDir: dir });
    await again.close();
  });
});
