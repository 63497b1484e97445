import type { Database, PlatformSettings, PrismaClient } from '@shopwarden/db';
import type { Viewer } from './modules/auth/viewer.ts';

/** Names a feed the host registers on the context; the module that owns the feed owns its key. */
export interface FeedKey<T> {
  readonly name: string;
  /** Never set: carries the feed's type. */
  readonly feed?: T;
}

export function feedKey<T>(name: string): FeedKey<T> {
  return { name };
}

/** A feed registered on the context: built by `feed()`, so the key and the value agree. */
export interface FeedEntry {
  readonly key: FeedKey<unknown>;
  readonly value: unknown;
}

export function feed<T>(key: FeedKey<T>, value: T): FeedEntry {
  return { key, value };
}

export interface Context {
  prisma: PrismaClient;
  /**
   * The database's statements outside Prisma (named prepared statements on PostgreSQL), when the host
   * gives them: usable only while `prisma` is that database's own client, not a transaction's.
   */
  database?: Pick<Database, 'prisma' | 'queryRows' | 'target'>;
  viewer: Viewer | null;
  requestId: string;
  /** Production mode disables the sandbox clock. */
  production: boolean;
  /** The feed registered under `key` (the API registers its push feeds; workers and scripts none). */
  feed<T>(key: FeedKey<T>): T | undefined;
  /** Platform settings, read at most once per request. */
  settings(): Promise<PlatformSettings>;
  /** Takes a settings row read this request (a compiled read's statement), unless the settings were read already. */
  primeSettings(row: PlatformSettings): void;
  /** Forgets the settings read so far: a long-lived context (a subscription) reads them again. */
  forgetSettings(): void;
  /** The platform's "now": the sandbox clock outside production, else the real time. */
  now(): Promise<Date>;
}

export interface ContextInit {
  prisma: PrismaClient;
  database?: Pick<Database, 'prisma' | 'queryRows' | 'target'>;
  viewer: Viewer | null;
  requestId: string;
  production: boolean;
  feeds?: readonly FeedEntry[];
}

/** Computes "now" from the settings row: a frozen sandbox instant, or one that advances from when it was set. */
export function platformNow(
  settings: Pick<PlatformSettings, 'sandboxNow' | 'sandboxSetAt' | 'sandboxFrozen'>,
  production: boolean,
  real = new Date(),
): Date {
  if (production || !settings.sandboxNow) return real;
  if (settings.sandboxFrozen || !settings.sandboxSetAt) return settings.sandboxNow;
  return new Date(settings.sandboxNow.getTime() + (real.getTime() - settings.sandboxSetAt.getTime()));
}

/** The platform's "now" outside a request (jobs, workers): one read of the settings row. */
export async function readPlatformNow(prisma: PrismaClient, production: boolean): Promise<Date> {
  if (production) return new Date();
  const settings = await prisma.platformSettings.findUnique({
    where: { id: 1 },
    select: { sandboxNow: true, sandboxSetAt: true, sandboxFrozen: true },
  });
  return settings ? platformNow(settings, false) : new Date();
}

export function createContext(init: ContextInit): Context {
  let settings: Promise<PlatformSettings> | undefined;
  // One statement on the hot path; the row is created with its defaults the first time it is missing.
  const loadSettings = () =>
    (settings ??= init.prisma.platformSettings
      .findUnique({ where: { id: 1 } })
      .then((row) => row ?? init.prisma.platformSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} })));
  const feeds = init.feeds;
  // Named, not `...rest` of init: an object rest is a slow path on every request.
  return {
    prisma: init.prisma,
    database: init.database,
    viewer: init.viewer,
    requestId: init.requestId,
    production: init.production,
    feed: <T>(key: FeedKey<T>) => feeds?.find((entry) => entry.key === key)?.value as T | undefined,
    settings: loadSettings,
    primeSettings: (row) => {
      settings ??= Promise.resolve(row);
    },
    forgetSettings: () => {
      settings = undefined;
    },
    now: async () => platformNow(await loadSettings(), init.production),
  };
}
