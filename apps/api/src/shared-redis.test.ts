import { describe, expect, it } from 'vitest';
import { redisPrefixFor } from './shared-redis.ts';

const pg = (url: string) =>
  redisPrefixFor({ kind: 'postgres', url, poolSize: 1, statementTimeoutMs: 1, connectionTimeoutMs: 1 });

describe('the default Redis namespace', () => {
  it('is one per database: the same server, port and database give the same prefix; any other gives another', () => {
    const base = pg('postgresql://app:secret@db.example:5432/shop');
    expect(base).toMatch(/^sw:[0-9a-f]{12}:$/);
    expect(pg('postgresql://other-user@DB.example/shop?sslmode=require')).toBe(base);
    expect(pg('postgresql://app@db.example:5432/shop_eu')).not.toBe(base);
    expect(pg('postgresql://app@db.example:5433/shop')).not.toBe(base);
    expect(pg('postgresql://app@replica.example:5432/shop')).not.toBe(base);
  });

  it('is the absolute data folder for the embedded database, and its own for a throwaway one', () => {
    const here = redisPrefixFor({ kind: 'pglite', dataDir: '.data/pglite' });
    expect(redisPrefixFor({ kind: 'pglite', dataDir: `${process.cwd()}/.data/pglite` })).toBe(here);
    expect(redisPrefixFor({ kind: 'pglite', dataDir: '/srv/other/pglite' })).not.toBe(here);
    expect(redisPrefixFor({ kind: 'pglite', dataDir: 'memory://' })).not.toBe(
      redisPrefixFor({ kind: 'pglite', dataDir: 'memory://' }),
    );
  });
});
