import { createHash, randomUUID } from 'node:crypto';
import { CHANGES_CHANNEL, WriteBatcher, type Database } from '@shopwarden/db';
import type { CompiledRead, Viewer } from '@shopwarden/schema';
import type { Redis } from 'ioredis';
import type { SharedRedis } from './shared-redis.ts';

/**
 * The response cache: the `data` of compiled reads, per caller, invalidated by the database's change
 * notifications, in this process or shared through Redis (docs/performance.md#response-cache).
 */

/** Where entries live. Tags index entries so a change deletes exactly the entries that used the rows. */
export interface CacheStore {
  get(key: string): Promise<Buffer | null>;
  set(key: string, value: Buffer, tags: readonly string[], ttlMs: number): Promise<void>;
  invalidate(tags: readonly string[]): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** Entries in this process, least recently used first out. */
export class MemoryCacheStore implements CacheStore {
  private readonly entries = new Map<string, { value: Buffer; until: number; tags: readonly string[] }>();
  private readonly byTag = new Map<string, Set<string>>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxBytes = 256 * 2 ** 20,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(key: string): Promise<Buffer | null> {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.until <= this.clock()) {
      this.remove(key);
      return null;
    }
    // Refresh its place in the LRU order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: Buffer, tags: readonly string[], ttlMs: number): Promise<void> {
    this.remove(key);
    if (value.length > this.maxBytes) return;
    while (this.entries.size >= this.maxEntries || this.bytes + value.length > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
    }
    this.entries.set(key, { value, until: this.clock() + ttlMs, tags });
    this.bytes += value.length;
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  async invalidate(tags: readonly string[]): Promise<void> {
    for (const tag of tags) {
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      this.byTag.delete(tag);
      for (const key of keys) this.remove(key);
    }
  }

  async clear(): Promise<void> {
    this.entries.clear();
    this.byTag.clear();
    this.bytes = 0;
  }

  async close(): Promise<void> {}

  get size() {
    return this.entries.size;
  }

  private remove(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.value.length;
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
  }
}

// Deletes the entries of every tag given, and the tag sets themselves, atomically.
const invalidateScript = `
for _, tag in ipairs(KEYS) do
  local keys = redis.call('SMEMBERS', tag)
  for i = 1, #keys, 500 do
    redis.call('DEL', unpack(keys, i, math.min(i + 499, #keys)))
  end
  redis.call('DEL', tag)
end
return 0
`;

/** Entries in Redis, shared by every instance: `<prefix>e:<key>` with a TTL, and `<prefix>t:<tag>` sets. */
export class RedisCacheStore implements CacheStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  get(key: string): Promise<Buffer | null> {
    return this.redis.getBuffer(`${this.prefix}e:${key}`);
  }

  async set(key: string, value: Buffer, tags: readonly string[], ttlMs: number): Promise<void> {
    const entryKey = `${this.prefix}e:${key}`;
    const pipeline = this.redis.multi().set(entryKey, value, 'PX', ttlMs);
    // A tag set lives a little longer than its longest entry; stale members point at expired keys.
    for (const tag of tags)
      pipeline.sadd(`${this.prefix}t:${tag}`, entryKey).pexpire(`${this.prefix}t:${tag}`, ttlMs + 60_000);
    await pipeline.exec();
  }

  async invalidate(tags: readonly string[]): Promise<void> {
    if (!tags.length) return;
    await this.redis.eval(invalidateScript, tags.length, ...tags.map((t) => `${this.prefix}t:${t}`));
  }

  async clear(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
      if (keys.length) await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}

/**
 * Entries in Redis, and in this process while Redis is away. Invalidations always reach this
 * process's entries; one that could not reach Redis makes Redis's entries suspect, and this process
 * uses its own until it has cleared them (in the background, once Redis is back).
 */
export class SharedCacheStore implements CacheStore {
  private readonly remote: RedisCacheStore;
  private readonly local = new MemoryCacheStore();
  /** Bumped whenever Redis may hold a stale entry; `clearedAt` is the last one a completed clear covered. */
  private suspectSince = 0;
  private clearedAt = 0;
  private clearing = false;

  constructor(private readonly shared: SharedRedis) {
    this.remote = new RedisCacheStore(shared.redis, shared.key('rc:'));
  }

  get(key: string): Promise<Buffer | null> {
    if (!this.trusted()) return this.local.get(key);
    return this.shared.run(
      () => this.remote.get(key),
      () => this.local.get(key),
    );
  }

  set(key: string, value: Buffer, tags: readonly string[], ttlMs: number): Promise<void> {
    if (!this.trusted()) return this.local.set(key, value, tags, ttlMs);
    return this.shared.run(
      () => this.remote.set(key, value, tags, ttlMs),
      () => this.local.set(key, value, tags, ttlMs),
    );
  }

  async invalidate(tags: readonly string[]): Promise<void> {
    await this.local.invalidate(tags);
    await this.shared.run(
      () => this.remote.invalidate(tags),
      () => void this.suspectSince++,
    );
  }

  async clear(): Promise<void> {
    await this.local.clear();
    this.suspectSince++;
    this.trusted();
  }

  async close(): Promise<void> {}

  /** Whether Redis's entries can be used; if not, starts clearing them when Redis is there. */
  private trusted(): boolean {
    if (this.clearedAt === this.suspectSince) return true;
    if (this.shared.sharing && !this.clearing) {
      this.clearing = true;
      const covers = this.suspectSince;
      this.remote.clear().then(
        () => {
          this.clearedAt = covers;
          this.clearing = false;
        },
        () => (this.clearing = false),
      );
    }
    return false;
  }
}

const fingerprints = new WeakMap<Viewer, string>();

/** Who a caller is for the cache: key, role, scopes and reach (hashed once per viewer object: the key cache reuses it). */
function fingerprint(viewer: Viewer): string {
  let value = fingerprints.get(viewer);
  if (!value) {
    const reach = `${viewer.shopIds === null ? '*' : viewer.shopIds.join(',')};${viewer.representedCreatorIds.join(',')}`;
    value = createHash('sha256')
      .update(`${viewer.apiKeyId}\u0000${viewer.role}\u0000${[...viewer.scopes].sort().join(',')}\u0000${reach}`)
      .digest('base64url');
    fingerprints.set(viewer, value);
  }
  return value;
}

export interface CachedResponse {
  /** The `data` object, as JSON (UTF-8 bytes). */
  json: Buffer;
  /** The operation's cost, charged again on every hit. */
  cost: number;
}

/** A root field's page may show any row of the caller's reach; tag per shop only while the reach is small. */
const MAX_REACH_TAGS = 100;

/** The pseudo-table of `sync` markers on the changes channel. */
const SYNC = '~sync';

export interface ResponseCacheOptions {
  ttlMs: number;
  /** Entries larger than this are not stored. */
  maxEntryBytes: number;
  onError?: (error: unknown) => void;
}

/** A point in the stream of changes, taken before a read runs; see `put`. */
export interface CacheSnapshot {
  epoch: number;
  changes: number;
}

/** Document texts remembered (their hashes and admission counts). */
const MAX_DOCUMENTS = 1_000;
/** Key material up to this length is used as the key itself, unhashed. */
const MAX_RAW_KEY = 256;
/** Answers of a document stored unconditionally before its hits are weighed. */
const FREE_STORES = 64;
/** Once a document's entries are hardly hit, one answer in this many is stored (and looked up, for reads never stored). */
const SAMPLE = 16;
/** Counts are halved past this many outcomes, so a document's recent behaviour decides. */
const WINDOW = 1_024;

/**
 * What storing a document's answers has paid, per document text. Storing an answer costs more
 * than reading it (the entry outlives the young generation); answers nobody asks for again
 * (new variables every request) are stored only now and then, and reads that can never be stored
 * (the platform clock, the resolvers) are not even looked up, but now and then.
 */
export class DocumentRecord {
  stored = 0;
  hits = 0;
  unstorable = 0;
  private tick = 0;

  constructor(readonly hash: string) {}

  /** Whether to look the answer up: not for a document whose reads lately could never be stored. */
  lookup(): boolean {
    return this.stored > 0 || this.unstorable < FREE_STORES || ++this.tick % SAMPLE === 0;
  }

  /** Whether to store this answer: while new, while its entries are hit, else one in SAMPLE. */
  admit(): boolean {
    return this.stored < FREE_STORES || this.hits * SAMPLE >= this.stored || ++this.tick % SAMPLE === 0;
  }

  hit() {
    this.hits++;
  }

  outcome(stored: boolean) {
    if (stored) this.stored++;
    else this.unstorable++;
    if (this.stored + this.unstorable > WINDOW) {
      this.stored >>= 1;
      this.hits >>= 1;
      this.unstorable >>= 1;
    }
  }
}

export class ResponseCache {
  /** Bumped for every tag a change touches; compared against a read's snapshot before storing it. */
  private readonly touched = new Map<string, number>();
  private changes = 0;
  private readonly syncs = new Map<string, () => void>();
  /** Per database, the markers of `sync`: one out at a time, shared by the calls that wait together. */
  private readonly markers = new WeakMap<Database, WriteBatcher<number, undefined>>();
  private readonly pending = new Set<Promise<void>>();
  /** Bumped whenever the listener is lost or found: everything stored before is suspect. */
  private epoch = 0;
  private listening = false;
  private unlisten: (() => Promise<void>) | null = null;
  private activated: (() => void) | null = null;

  constructor(
    readonly store: CacheStore,
    private readonly options: ResponseCacheOptions,
  ) {}

  /**
   * Starts listening for changes and resolves once the cache is active (or after `timeoutMs` if the
   * listener cannot connect yet: it keeps trying). Until then the cache neither serves nor stores.
   */
  async start(db: Database, timeoutMs = 5_000): Promise<void> {
    const active = new Promise<void>((resolve) => (this.activated = resolve));
    this.unlisten = await db.listen(
      CHANGES_CHANNEL,
      (payload) => this.onChange(payload),
      (listening) => this.onListening(listening),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([active, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    this.listening = false;
    await this.unlisten?.();
    this.unlisten = null;
    await this.store.close();
  }

  get active(): boolean {
    return this.listening;
  }

  /** `Table|1,2,3` (rows of those shops changed) or `Table|*` (a global table, or too many shops). */
  onChange(payload: string): void {
    const bar = payload.indexOf('|');
    if (bar < 0) return;
    const table = payload.slice(0, bar);
    const shops = payload.slice(bar + 1);
    if (table === SYNC) {
      // Our own marker came back: every change committed before it has been applied.
      const done = this.syncs.get(shops);
      this.syncs.delete(shops);
      void Promise.all(this.pending).then(() => done?.());
      return;
    }
    const tags =
      shops === '*'
        ? [`${table}@changed`, `${table}@bulk`]
        : [`${table}@changed`, ...shops.split(',').map((s) => `${table}@${s}`)];
    this.changes++;
    for (const tag of tags) this.touched.set(tag, this.changes);
    const done = this.store.invalidate(tags).catch((error: unknown) => this.options.onError?.(error));
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  /**
   * Waits until every change committed so far has invalidated its entries (a marker sent through
   * the same channel comes back after them, in commit order). Mutations call it before answering,
   * so a caller always reads its own writes, on this instance and, with Redis, on every instance.
   * Concurrent calls share a marker: one sent after they were made (the next, while one is out).
   */
  async sync(db: Database, timeoutMs = 2_000): Promise<void> {
    if (!this.listening) return;
    let markers = this.markers.get(db);
    if (!markers) {
      markers = new WriteBatcher(
        async (calls: number[]) => {
          await this.syncOnce(db, Math.min(...calls));
          return calls.map(() => undefined);
        },
        { maxInFlight: 1, maxBatch: Number.POSITIVE_INFINITY },
      );
      this.markers.set(db, markers);
    }
    await markers.submit(timeoutMs);
  }

  /** One marker: sent, then waited for. */
  private async syncOnce(db: Database, timeoutMs: number): Promise<void> {
    const nonce = randomUUID();
    const arrived = new Promise<void>((resolve) => this.syncs.set(nonce, resolve));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      await db.queryText({
        text: `SELECT pg_notify('${CHANGES_CHANNEL}', '${SYNC}|' || $1::text)::text`,
        values: [nonce],
        internal: true,
      });
      if ((await Promise.race([arrived, timedOut])) === 'timeout') {
        // The listener is not keeping up: stop trusting what is stored.
        this.onListening(false);
        this.onListening(true);
      }
    } finally {
      clearTimeout(timer);
      this.syncs.delete(nonce);
    }
  }

  private onListening(listening: boolean) {
    this.epoch++;
    this.listening = false;
    if (!listening) return;
    // Changes may have been missed while the listener was away: start from nothing.
    const epoch = this.epoch;
    this.store.clear().then(
      () => {
        if (epoch !== this.epoch) return;
        this.listening = true;
        this.activated?.();
      },
      (error: unknown) => this.options.onError?.(error),
    );
  }

  /** Per document text: its hash (so a key hashes only the short rest) and what storing its answers paid. */
  private readonly documents = new Map<string, DocumentRecord>();

  /** The record of a document text (bounded: forgotten all at once when too many texts come by). */
  document(query: string): DocumentRecord {
    let record = this.documents.get(query);
    if (!record) {
      if (this.documents.size >= MAX_DOCUMENTS) this.documents.clear();
      record = new DocumentRecord(createHash('sha256').update(query).digest('base64url'));
      this.documents.set(query, record);
    }
    return record;
  }

  /** The cache key of an operation for a caller (null: not cacheable, e.g. anonymous). */
  key(
    viewer: Viewer | null,
    operation: { query: string; operationName?: string | null; variables?: unknown },
    document: DocumentRecord = this.document(operation.query),
  ): string | null {
    if (!viewer) return null;
    const material = `${fingerprint(viewer)}\u0000${operation.operationName ?? ''}\u0000${document.hash}\u0000${JSON.stringify(operation.variables ?? null)}`;
    // Short material is its own key (it holds a NUL, so it never equals a digest); long variables are hashed.
    return material.length <= MAX_RAW_KEY ? material : createHash('sha256').update(material).digest('base64url');
  }

  async get(key: string): Promise<CachedResponse | null> {
    if (!this.listening) return null;
    const value = await this.store.get(key).catch((error: unknown) => {
      this.options.onError?.(error);
      return null;
    });
    if (value === null) return null;
    const newline = value.indexOf(10);
    return { cost: Number(value.toString('latin1', 0, newline)), json: value.subarray(newline + 1) };
  }

  snapshot(): CacheSnapshot {
    return { epoch: this.epoch, changes: this.changes };
  }

  /** The tags of a compiled read for this caller, given the shops its root rows belong to. */
  tags(read: CompiledRead, viewer: Viewer, rootShops: readonly string[]): string[] {
    const tags = new Set<string>();
    // Tagged by table: the change notifications name tables.
    for (const { table, scope } of read.dependencies) {
      const reach = scope === 'reach' ? viewer.shopIds : undefined;
      if (scope === 'all' || reach === null || (reach !== undefined && reach.length > MAX_REACH_TAGS)) {
        tags.add(`${table}@changed`);
        continue;
      }
      tags.add(`${table}@bulk`);
      const shops = reach ? reach.map(String) : rootShops;
      for (const shop of shops) tags.add(`${table}@${shop}`);
    }
    return [...tags];
  }

  /**
   * Stores an entry unless one of its tags changed since the snapshot (the read may predate the
   * change), for at most `ttlMs` (a read of the clock: until its answer may change with time).
   */
  async put(
    key: string,
    response: CachedResponse,
    tags: readonly string[],
    snapshot: CacheSnapshot,
    ttlMs = this.options.ttlMs,
  ): Promise<void> {
    if (!this.listening || snapshot.epoch !== this.epoch || response.json.length > this.options.maxEntryBytes) return;
    if (this.changes !== snapshot.changes && tags.some((t) => (this.touched.get(t) ?? 0) > snapshot.changes)) return;
    // A buffer of its own: a slice of Node's shared 8 KB pool would keep the whole slab alive.
    const header = `${response.cost}\n`;
    const value = Buffer.allocUnsafeSlow(header.length + response.json.length);
    value.write(header, 0, 'latin1');
    response.json.copy(value, header.length);
    await this.store
      .set(key, value, tags, Math.min(ttlMs, this.options.ttlMs))
      .catch((error: unknown) => this.options.onError?.(error));
    // Forget old generations now and then (refusing the reads under way, whose snapshots need them).
    if (this.touched.size > 100_000) {
      this.touched.clear();
      this.epoch++;
    }
  }
}
