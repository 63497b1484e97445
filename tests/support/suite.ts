import { afterAll, beforeAll } from 'vitest';
import { createTestApp } from './client.ts';
import { createTestDatabase, type TargetName, type TestDatabase } from './database.ts';
import { createWorld, type World } from './fixtures.ts';
import { CLOCK } from './listing-fixtures.ts';

export type TestApp = ReturnType<typeof createTestApp>;
export type Gql = TestApp['gql'];

export interface Suite {
  db: TestDatabase;
  world: World;
  gql: Gql;
  /** The app behind `gql`: its `yoga` for an HTTP server or a client's fetch, `subscribe` for SSE. */
  app: TestApp;
  /** The sandbox clock, set by the administrator. */
  clock: { set(now: string): Promise<unknown> };
}

export interface SuiteOptions {
  /** Extra environment of the API under test (createTestApp's `env`). */
  env?: Record<string, string>;
}

/** Forwards every property read to `current()`, so the suite can be destructured before its beforeAll ran. */
function late<T extends object>(name: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const value = current();
      if (!value) throw new Error(`useSuite: ${name} is set up in beforeAll; read it inside a hook or a test.`);
      return Reflect.get(value, property, value);
    },
  });
}

/**
 * The e2e scaffolding of one describe block: a fresh migrated database of `target`, the test world,
 * the API client, and the sandbox clock; created in beforeAll (before the block's own), dropped in afterAll.
 */
export function useSuite(target: TargetName, options: SuiteOptions = {}): Suite {
  let db: TestDatabase | undefined;
  let world: World | undefined;
  let gql: Gql | undefined;
  let app: TestApp | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(target);
    world = await createWorld(db.prisma);
    app = createTestApp(db, options.env);
    gql = app.gql;
  });
  afterAll(async () => db?.drop());
  const call = ((...args: Parameters<Gql>) => {
    if (!gql) throw new Error('useSuite: gql is set up in beforeAll; call it inside a hook or a test.');
    return gql(...args);
  }) as Gql;
  const suiteWorld = late('world', () => world);
  return {
    db: late('db', () => db),
    world: suiteWorld,
    gql: call,
    app: late('app', () => app),
    clock: { set: (now) => call(suiteWorld.adminKey, CLOCK, { now }) },
  };
}
