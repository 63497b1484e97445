/** A value a benchmark relies on stops it with a named error when absent, not as NaN in a report. */

/** A value a benchmark needs is missing; `what` says which. */
export class MissingValueError extends Error {
  constructor(readonly what: string) {
    super(`bench: missing ${what}`);
    this.name = 'MissingValueError';
  }
}

/** The value, or a MissingValueError naming it when it is null or undefined. */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new MissingValueError(what);
  return value;
}

/** An environment variable the harness sets for a child process; unset or empty is an error. */
export function mustEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new MissingValueError(`environment variable ${name}`);
  return value;
}
