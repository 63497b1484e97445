import type { PrismaClient } from '@shopwarden/db';
import { authenticateApiKey, type AuthenticationResult } from '@shopwarden/schema';
import { Kind, getOperationAST, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Authenticated API keys, kept for a few seconds so a busy key costs one lookup per TTL; cleared by
 * any mutation of this process (docs/performance.md, "API-key cache").
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, { result: AuthenticationResult; until: number }>();
  /** Lookups under way, shared by the requests that arrive meanwhile (no stampede when an entry expires). */
  private readonly inflight = new Map<string, Promise<AuthenticationResult>>();
  private generation = 0;

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  async authenticate(prisma: PrismaClient, authorization: string | null): Promise<AuthenticationResult> {
    if (this.ttlMs <= 0 || !authorization) return authenticateApiKey(prisma, authorization);
    const now = this.clock();
    const hit = this.entries.get(authorization);
    if (hit && hit.until > now) return hit.result;
    if (hit) this.entries.delete(authorization);
    const running = this.inflight.get(authorization);
    if (running) return running;
    const lookup = this.lookup(prisma, authorization, now);
    this.inflight.set(authorization, lookup);
    void lookup
      .finally(() => {
        if (this.inflight.get(authorization) === lookup) this.inflight.delete(authorization);
      })
      .catch(() => undefined);
    return lookup;
  }

  private async lookup(prisma: PrismaClient, authorization: string, now: number): Promise<AuthenticationResult> {
    const generation = this.generation;
    // Valid until the end of the TTL window? Then it may be kept; otherwise ask again about now.
    const later = await authenticateApiKey(prisma, authorization, new Date(now + this.ttlMs));
    if (!later.viewer)
      return later.reason === 'EXPIRED' ? authenticateApiKey(prisma, authorization, new Date(now)) : later;
    if (generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(authorization, { result: later, until: now + this.ttlMs });
    }
    return later;
  }

  /** Forgets every key; lookups already under way are not stored, nor shared with later requests. */
  clear() {
    this.generation++;
    this.entries.clear();
    this.inflight.clear();
  }

  get size() {
    return this.entries.size;
  }
}

/** Mutations that change no key, grant, shop or account: what a key stands for stays as it was. */
const KEY_NEUTRAL_MUTATIONS: ReadonlySet<string> = new Set([
  'listingCreate',
  'listingUpdate',
  'listingSubmit',
  'listingReview',
  'listingBulkSubmit',
  'listingBulkReview',
]);

/** True when every root field of the mutation is key-neutral (fragments at the root: not judged, so false). */
function keyNeutral(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && KEY_NEUTRAL_MUTATIONS.has(s.name.value),
  );
}

/** Clears the key cache after every mutation this process executes, but for listing mutations. */
export function useApiKeyCacheInvalidation(cache: ApiKeyCache): Plugin {
  return {
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation' || keyNeutral(operation)) return undefined;
      cache.clear();
      return {
        onExecuteDone() {
          cache.clear();
        },
      };
    },
  };
}
