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
