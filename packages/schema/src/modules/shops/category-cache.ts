import { CHANGES_CHANNEL, type PrismaClient } from '@shopwarden/db';
import { feedKey, type Context } from '#context';
import type { ListenFn } from '#modules/bulk/api/bulk-operation-feed.ts';
import { loadCategoryIndex, type CategoryLite } from './category-eligibility.service.ts';

/**
 * The category tree, kept in this process while it listens for the database's change notifications
 * (`Category|*`, sent on commit by whichever process changed a category): a change, or losing the
 * listener, forgets it. Until it listens it keeps nothing, so it is never staler than the notifications.
 */
export class CategoryCache {
  private tree: Promise<Map<number, CategoryLite>> | null = null;
  private listening = false;
  private unlisten: (() => Promise<void>) | null = null;

  /** Starts listening; resolves once the listener is up (or could not start: then nothing is kept). */
  async start(listen: ListenFn, onError?: (err: unknown) => void): Promise<void> {
    try {
      this.unlisten = await listen(
        CHANGES_CHANNEL,
        (payload) => {
          if (payload.startsWith('Category|')) this.clear();
        },
        (listening) => {
          this.clear();
          this.listening = listening;
        },
      );
    } catch (error) {
      onError?.(error);
    }
  }

  async stop(): Promise<void> {
    this.listening = false;
    this.clear();
    await this.unlisten?.();
    this.unlisten = null;
  }

  /** Forgets the tree (also for a change this process made: it reads its own writes at once). */
  clear(): void {
    this.tree = null;
  }

  get(prisma: PrismaClient): Promise<Map<number, CategoryLite>> {
    if (this.tree) return this.tree;
    if (!this.listening) return loadCategoryIndex(prisma);
    // A change while it loads clears it (the notification comes after the commit the load may have missed).
    const tree = loadCategoryIndex(prisma);
    this.tree = tree;
    tree.catch(() => {
      if (this.tree === tree) this.tree = null;
    });
    return tree;
  }
}

/** The context's key of the cache (`ctx.feed(categoryCacheKey)`), registered by the API. */
export const categoryCacheKey = feedKey<CategoryCache>('categoryCache');

/** The category tree: the process's cached one when the host registered a cache, else read now. */
export function cachedCategories(ctx: Pick<Context, 'feed' | 'prisma'>): Promise<Map<number, CategoryLite>> {
  const cache = ctx.feed(categoryCacheKey);
  return cache ? cache.get(ctx.prisma) : loadCategoryIndex(ctx.prisma);
}

/** Forgets the cached tree after this process changed a category (notifications come after the answer). */
export function forgetCategories(ctx: Pick<Context, 'feed'>): void {
  ctx.feed(categoryCacheKey)?.clear();
}
