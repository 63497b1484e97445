/** A value the code's own invariants guarantee went missing: a bug, never the caller's fault (answered as INTERNAL). */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

/** `value`, or an InvariantError naming `what` when it is null or undefined (instead of asserting with `!`). */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new InvariantError(`${what} is missing`);
  return value;
}
