import type { GraphQLErrorEntry } from './types.ts';

/** A request that produced no usable data: a network failure after every retry, or top-level GraphQL errors. */
export class ShopWardenError extends Error {
  override readonly name = 'ShopWardenError';
  /** `NETWORK_ERROR`, `HTTP_ERROR`, or the first error's `extensions.code` (`UNAUTHENTICATED`, `THROTTLED`, `LIMIT_EXCEEDED`, …). */
  readonly code: string;
  /** HTTP status of the last attempt; absent for network errors. */
  readonly status: number | undefined;
  /** The response's top-level errors. */
  readonly errors: GraphQLErrorEntry[];
  /** The server's request id, when it sent one. */
  readonly requestId: string | undefined;

  constructor(
    code: string,
    message: string,
    details: { status?: number; errors?: GraphQLErrorEntry[]; requestId?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.errors = details.errors ?? [];
    this.requestId = details.requestId;
  }
}

/** A mutation answered with a typed error member of its result union (thrown by `assertSuccess`). */
export class ShopWardenResultError extends Error {
  override readonly name = 'ShopWardenResultError';
  /** The error member's `__typename`, e.g. `ValidationError`. */
  readonly typename: string;
  /** The stable error code, e.g. `VALIDATION_FAILED`. */
  readonly code: string;
  /** For `ValidationError`: each invalid input field with its path. */
  readonly fields: ReadonlyArray<{ path: ReadonlyArray<string>; message: string }>;

  constructor(result: { __typename: string; code?: unknown; message?: unknown; fields?: unknown }) {
    super(typeof result.message === 'string' ? result.message : `The mutation returned ${result.__typename}.`);
    this.typename = result.__typename;
    this.code = typeof result.code === 'string' ? result.code : 'UNKNOWN';
    this.fields = Array.isArray(result.fields) ? (result.fields as { path: string[]; message: string }[]) : [];
  }
}
