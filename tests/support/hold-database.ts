import type { Database } from '@shopwarden/db';

/**
 * Makes every statement that reads shops wait until the returned function is called: an open
 * transaction holding an exclusive lock on the table (on PGlite, whose one connection it holds,
 * every statement waits).
 */
export async function holdShops(db: Database): Promise<() => Promise<void>> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const held = new Promise<void>((resolve) => (locked = resolve));
  const done = db.prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe('LOCK TABLE "Shop" IN ACCESS EXCLUSIVE MODE');
      locked();
      await gate;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  await Promise.race([held, done]);
  return async () => {
    release();
    await done;
  };
}
