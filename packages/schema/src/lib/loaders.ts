import { contextCacheSymbol } from '@pothos/core';
import DataLoader from 'dataloader';
import type { Context } from '#context';

const registry = new WeakMap<Context, Map<string, DataLoader<unknown, unknown>>>();

/** A per-request DataLoader, created on first use: batches lookups that would otherwise run once per parent. */
export function loaderFor<K, V>(
  ctx: Context,
  name: string,
  batch: (keys: readonly K[]) => Promise<(V | Error)[]>,
): DataLoader<K, V> {
  let loaders = registry.get(ctx);
  if (!loaders) registry.set(ctx, (loaders = new Map()));
  let loader = loaders.get(name) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V>(batch);
    loaders.set(name, loader as DataLoader<unknown, unknown>);
  }
  return loader;
}

/** Memoises one value per request (e.g. the category index). */
export function memoFor<V>(ctx: Context, name: string, load: () => Promise<V>): Promise<V> {
  return loaderFor<string, V>(ctx, `memo:${name}`, async (keys) => {
    const value = await load();
    return keys.map(() => value);
  }).load(name);
}

/**
 * Forgets what this context loaded (its DataLoaders, settings and Pothos' per-request caches): a subscription
 * keeps one context for every event it pushes, and each event must read the current rows.
 */
export function forgetLoads(ctx: Context): void {
  registry.delete(ctx);
  ctx.forgetSettings();
  (ctx as unknown as Record<symbol, unknown>)[contextCacheSymbol] = {};
}
