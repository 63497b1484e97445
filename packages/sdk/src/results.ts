import { ShopWardenResultError } from './errors.ts';
import type { ErrorCode } from './generated/types.ts';

/** Any member of a mutation's result union (every SDK mutation selects `__typename`). */
export interface ResultMember {
  __typename: string;
}

/** The success member of a result union (`ShopOnboardSuccess`, …). */
export type SuccessOf<TResult> = Extract<TResult, { __typename: `${string}Success` }>;

/** The typed-error members of a result union (everything that implements `Error`). */
export type ErrorOf<TResult> = Extract<TResult, { code: unknown; message: string }>;

/** The error type that carries `code`: ValidationError for VALIDATION_FAILED, NotFoundError for NOT_FOUND, … */
type ErrorTypenameFor<TCode> = TCode extends 'VALIDATION_FAILED'
  ? 'ValidationError'
  : TCode extends 'NOT_FOUND'
    ? 'NotFoundError'
    : TCode extends 'FORBIDDEN'
      ? 'ForbiddenError'
      : TCode extends 'CONFLICT'
        ? 'ConflictError'
        : string;

/** The error members that can carry `code`, narrowed to it. */
export type ErrorWithCode<TResult, TCode extends ErrorCode> = Extract<
  ErrorOf<TResult>,
  { __typename: ErrorTypenameFor<TCode> }
> & { code: TCode };

/** True for the success member of a result union. */
export function isSuccess<TResult extends ResultMember>(result: TResult): result is SuccessOf<TResult> {
  return result.__typename.endsWith('Success');
}

/** True for a typed error; with `code`, only for that code (`isError(r, 'VALIDATION_FAILED')` narrows to `ValidationError`). */
export function isError<TResult extends ResultMember>(result: TResult): result is ErrorOf<TResult>;
export function isError<TResult extends ResultMember, TCode extends ErrorCode>(
  result: TResult,
  code: TCode,
): result is ErrorWithCode<TResult, TCode> & TResult;
export function isError(result: ResultMember & { code?: unknown }, code?: ErrorCode): boolean {
  if (isSuccess(result) || typeof result.code !== 'string') return false;
  return code === undefined || result.code === code;
}

/** Throws a `ShopWardenResultError` (with `code`, `message` and `fields`) unless `result` is the success member. */
export function assertSuccess<TResult extends ResultMember>(result: TResult): asserts result is SuccessOf<TResult> {
  if (!isSuccess(result)) throw new ShopWardenResultError(result);
}
