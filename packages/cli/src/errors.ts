import { ShopWardenError, ShopWardenResultError } from '@shopwarden/sdk';

/** The exit codes of `shopwarden` (docs/cli.md lists them). */
export const EXIT = {
  OK: 0,
  /** The API refused the request (a typed error or a GraphQL error), or a bulk operation FAILED or was CANCELED. */
  API_ERROR: 1,
  /** Bad arguments, a missing API key, an unreadable or invalid input file. */
  USAGE: 2,
  /** The API could not be reached. */
  NETWORK: 3,
  /** A followed bulk operation COMPLETED, but some of its lines failed. */
  LINES_FAILED: 4,
  /** An unexpected failure: a bug (EX_SOFTWARE). */
  UNEXPECTED: 70,
  /** Ctrl-C while following (128 + SIGINT). */
  INTERRUPTED: 130,
} as const;

/** An expected failure: printed as one line, `shopwarden: <code>: <message>`, never with a stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = EXIT.API_ERROR,
    /** Further lines printed below the message (e.g. every bad row of a CSV file). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

/** Why fetch failed, from its causes: a code (`ECONNREFUSED`, `ENOTFOUND`, …) or the innermost message. */
function networkCause(error: unknown): string | null {
  let current: unknown = (error as { cause?: unknown } | null)?.cause;
  let message: string | null = null;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (current instanceof Error) message = current.message;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}

/** What to print for an error, and the exit code; null for an unexpected error (a bug). */
export function describeError(error: unknown): { lines: string[]; exitCode: number } | null {
  if (error instanceof CliError)
    return { lines: [`${error.code}: ${error.message}`, ...error.details], exitCode: error.exitCode };
  if (error instanceof ShopWardenResultError) {
    const fields = error.fields.map((f) => `${f.path.join('.')}: ${f.message}`);
    return {
      lines: [`${error.code}: ${error.message}${fields.length ? ` (${fields.join('; ')})` : ''}`],
      exitCode: EXIT.API_ERROR,
    };
  }
  if (error instanceof ShopWardenError) {
    if (error.code === 'NETWORK_ERROR') {
      const cause = networkCause(error.cause);
      return { lines: [`NETWORK_ERROR: ${error.message}${cause ? ` (${cause})` : ''}`], exitCode: EXIT.NETWORK };
    }
    const request = error.requestId ? ` (request ${error.requestId})` : '';
    return { lines: [`${error.code}: ${error.message}${request}`], exitCode: EXIT.API_ERROR };
  }
  return null;
}
