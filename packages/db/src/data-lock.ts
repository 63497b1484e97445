import { readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/** The file, inside the embedded database's folder, that names the process holding it. */
export const LOCK_FILE = 'shopwarden.lock';

/** Who holds a data folder, as written in its lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
  /** Linux: the kernel's boot id and the process's start time, so a recycled PID is not mistaken for the holder. */
  bootId?: string;
  startTicks?: string;
  token: string;
}

/** A second process (or a second open in this one) asked for a data folder that is in use. */
export class DataFolderInUseError extends Error {
  readonly code = 'DATA_FOLDER_IN_USE';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const elsewhere = holder.host !== hostname();
    const who = holder.pid === process.pid ? 'this process' : `process ${holder.pid}`;
    super(
      `The embedded database at ${dataDir} is in use by ${who}${elsewhere ? ` on host ${holder.host}` : ''} ` +
        `(${holder.command}, since ${holder.since}). Stop it first, or set SHOPWARDEN_DATA_DIR to another folder.` +
        (elsewhere ? ` If that process is gone for good, delete ${path.join(dataDir, LOCK_FILE)}.` : ''),
    );
    this.name = 'DataFolderInUseError';
  }
}

export interface DataFolderLock {
  file: string;
  release(): void;
}

/** Lock files this process holds, released on exit even if `release` was never called. */
const held = new Map<string, string>();
process.once('exit', () => {
  for (const [file, token] of held) removeIfOurs(file, token);
});

/**
 * Locks the embedded database's folder for this process, or throws `DataFolderInUseError` at once
 * when a live process holds it. A lock left by a process that died (even by SIGKILL) is taken over:
 * the holder's PID is checked, not the lock's age, because PGlite can block its event loop for long.
 */
export async function lockDataFolder(dataDir: string): Promise<DataFolderLock> {
  const file = path.join(path.resolve(dataDir), LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command: describeCommand(),
    since: new Date().toISOString(),
    ...linuxIdentity(process.pid),
    token: randomUUID(),
  };
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      held.set(file, me.token);
      return {
        file,
        release() {
          if (held.delete(file)) removeIfOurs(file, me.token);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(file);
    if (holder === 'gone') continue;
    if (holder === 'being written') {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    if (holder && isAlive(holder, file)) throw new DataFolderInUseError(path.resolve(dataDir), holder);
    removeIfUnchanged(file, holder);
  }
  throw new Error(`Could not lock the embedded database at ${dataDir}: its lock file keeps changing.`);
}

function readHolder(file: string): LockHolder | null | 'gone' | 'being written' {
  let text: string;
  let ageMs: number;
  try {
    ageMs = Date.now() - statSync(file).mtimeMs;
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    if (Number.isInteger(holder.pid) && typeof holder.token === 'string') return holder;
  } catch {
    // an empty or partial file
  }
  // A lock is created and written in one call; one still unreadable after a second was cut short by a crash.
  return ageMs < 1_000 ? 'being written' : null;
}

function isAlive(holder: LockHolder, file: string): boolean {
  // Another host's PIDs cannot be checked from here.
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return held.get(file) === holder.token;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = linuxIdentity(holder.pid);
  if (holder.bootId && now.bootId && holder.bootId !== now.bootId) return false;
  if (holder.startTicks && now.startTicks && holder.startTicks !== now.startTicks) return false;
  return true;
}

/** Removes a dead holder's lock unless another process replaced it since it was read. */
function removeIfUnchanged(file: string, stale: LockHolder | null) {
  const current = readHolder(file);
  if (current === 'gone') return;
  if (stale === null ? current === null : typeof current === 'object' && current?.token === stale.token) {
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function removeIfOurs(file: string, token: string) {
  const current = readHolder(file);
  if (typeof current === 'object' && current?.token === token) {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }
}

function describeCommand(): string {
  const script = process.env.npm_lifecycle_event ? `npm run ${process.env.npm_lifecycle_event}` : null;
  const argv = process.argv
    .slice(1)
    .map((a) => path.basename(a))
    .join(' ');
  return script ?? `node ${argv}`.slice(0, 200);
}

function linuxIdentity(pid: number): { bootId?: string; startTicks?: string } {
  try {
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the command name, which may itself contain spaces.
    const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return startTicks ? { bootId, startTicks } : {};
  } catch {
    return {};
  }
}
