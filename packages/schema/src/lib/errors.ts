/** Stable codes every error in the API carries (the `ErrorCode` enum). */
export const errorCodes = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'INVALID_STATE',
  'PRIMARY_CATEGORY_ALREADY_SET',
  'CATEGORY_NOT_ELIGIBLE',
  'BUSINESS_MODEL_RETIRED',
  'VERIFICATION_REQUIRED',
  'INVITATION_REQUIRED',
  'INVITATION_CODE_USED',
  'LIMIT_EXCEEDED',
  'SANDBOX_ONLY',
  'ATTEMPT_LIMIT_REACHED',
  'REPORT_WEEK_NOT_ENDED',
  'THROTTLED',
  'IDEMPOTENCY_KEY_REUSED',
  'SERVICE_UNAVAILABLE',
  'TIMEOUT',
  'REGISTRATION_CLOSED',
  'EVENT_NOT_ELIGIBLE',
  'PRIMARY_CATEGORY_NOT_SET',
  'SELF_SHIPPING_NOT_ALLOWED',
  'PLATFORM_OPERATED',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'NOT_ACCEPTABLE',
  'UNSUPPORTED_MEDIA_TYPE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_ONLY',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** Base for every business error a service returns; the errors plugin turns them into result-union members. */
export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  /** What the error carries beside its code when it is a top-level error (`extensions`). */
  get details(): Record<string, unknown> {
    return {};
  }
}

export interface FieldError {
  /** Path of the offending input field, e.g. ["input", "answers", "0", "questionId"]. */
  path: string[];
  message: string;
}

function summaryOf(fields: readonly FieldError[]): string {
  const [only] = fields;
  return only && fields.length === 1 ? only.message : `${fields.length} input fields are invalid.`;
}

export class ValidationError extends AppError {
  readonly code = 'VALIDATION_FAILED' as const;
  constructor(readonly fields: FieldError[]) {
    super(summaryOf(fields));
  }
  override get details() {
    return { fields: this.fields };
  }
  static field(path: string[], message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

/** Also used for objects outside the caller's reach: those are indistinguishable from missing ones. */
export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND' as const;
  constructor(
    readonly typename: string,
    readonly id?: string,
  ) {
    super(`${typename} not found.`);
  }
}

export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN' as const;
  constructor(message = 'Your API key is not allowed to do this.') {
    super(message);
  }
}

export class ConflictError extends AppError {
  readonly code = 'CONFLICT' as const;
}

/** A request that is well-formed but not allowed in the object's current state or by policy. */
export class InvalidStateError extends AppError {
  constructor(
    readonly code: Exclude<ErrorCode, 'VALIDATION_FAILED' | 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT'>,
    message: string,
  ) {
    super(message);
  }
}
