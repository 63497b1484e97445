import type { HandedBulkOperation } from '#modules/bulk/worker/lease.ts';

/** Wakes the bulk workers of this process when an operation is stored (other processes poll). */
const listeners = new Set<() => void>();

/** Calls `listener` whenever this process stores a bulk operation; returns the unsubscribe function. */
export function onBulkOperationCreated(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function signalBulkOperationCreated(): void {
  for (const listener of listeners) listener();
}

/**
 * An idle worker reserved for the operation being stored: the operation is inserted RUNNING under
 * this worker's lease and handed over (`accept`) as soon as its id is drawn, inside the storing
 * transaction, with a promise of whether that transaction committed. The worker gets ready
 * meanwhile (and, on PostgreSQL, starts its first chunk's writes) but commits nothing before the
 * row has committed, and drops the operation when it did not. When the storing transaction fails
 * before the hand-over, the reservation is given back (`release`).
 */
export interface BulkHandOff {
  workerId: string;
  leaseMs: number;
  accept(op: HandedBulkOperation): void;
  release(): void;
}

/** Workers of this process that can take an operation at once: each returns a reservation, or null when it is busy. */
const takers = new Set<() => BulkHandOff | null>();

/** Registers a worker's reservation function; returns the unregister function. */
export function onBulkOperationHandOff(reserve: () => BulkHandOff | null): () => void {
  takers.add(reserve);
  return () => takers.delete(reserve);
}

/** Reserves an idle worker of this process, if there is one. */
export function reserveBulkWorker(): BulkHandOff | null {
  for (const reserve of takers) {
    const handOff = reserve();
    if (handOff) return handOff;
  }
  return null;
}
