import { GraphQLError } from 'graphql';
import { AppError } from '@shopwarden/schema';
import { databaseUnavailableReason, type UnavailableReason } from './database-errors.ts';

/** True for errors that mean "the database cannot serve now" (unreachable, starting, timed out…), which callers should retry. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return databaseUnavailableReason(error) !== null;
}

/**
 * Errors that reach a client: typed business errors keep their code and message; anything else
 * becomes INTERNAL (or SERVICE_UNAVAILABLE) with no stack, SQL or driver text.
 */
export function maskError(
  error: unknown,
  log: (err: unknown) => void,
  onUnavailable?: (reason: UnavailableReason) => void,
): GraphQLError {
  const original = error instanceof GraphQLError ? (error.originalError ?? null) : error;
  // A GraphQL error (or one wrapping another, which carries its extensions) keeps its message, path and nodes.
  if (error instanceof GraphQLError && (original === null || original instanceof GraphQLError)) return error;
  const path = error instanceof GraphQLError ? error.path : undefined;
  if (original instanceof AppError) {
    return new GraphQLError(original.message, { path, extensions: { code: original.code, ...original.details } });
  }
  const unavailable = databaseUnavailableReason(original);
  if (unavailable) {
    onUnavailable?.(unavailable);
    return new GraphQLError('The database is unavailable; retry shortly.', {
      path,
      extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: { 'Retry-After': '1' } } },
    });
  }
  log(original);
  return new GraphQLError('Unexpected error. Quote the request id if you report it.', {
    path,
    extensions: { code: 'INTERNAL' },
  });
}
