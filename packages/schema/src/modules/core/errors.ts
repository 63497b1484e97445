import { builder } from '#builder';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
  errorCodes,
  type ErrorCode,
  type FieldError,
} from '#lib/errors.ts';

const codeDescriptions: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'The input is malformed; `fields` lists each offending input path.',
  NOT_FOUND: 'The object does not exist or is outside your reach (the two are indistinguishable).',
  UNAUTHENTICATED: 'No valid API key was sent.',
  FORBIDDEN: 'Your API key lacks the role or scope for this.',
  CONFLICT:
    'Someone changed the object first, or a request with the same idempotency key is still running; re-read and retry.',
  INVALID_STATE: 'The object is not in a state that allows this.',
  PRIMARY_CATEGORY_ALREADY_SET: 'The shop already has a primary category; only an administrator can change it.',
  CATEGORY_NOT_ELIGIBLE: 'The category cannot be used here (not top-level, prohibited, or otherwise ineligible).',
  BUSINESS_MODEL_RETIRED: 'The business model is retired and no new shop can use it.',
  VERIFICATION_REQUIRED: 'The site requires a verification document.',
  INVITATION_REQUIRED: 'The site is invite-only and needs a valid, unused invitation code.',
  INVITATION_CODE_USED: 'The invitation code was used by a shop: only unused codes can be revoked.',
  LIMIT_EXCEEDED:
    'A page, list, batch, body or operation (depth, aliases, tokens, cost, fields…) is over its limit; the message names it.',
  SANDBOX_ONLY: 'Only available outside production (the sandbox clock).',
  ATTEMPT_LIMIT_REACHED: 'The shop has used all its attempts at this quiz for the current UTC calendar month.',
  REPORT_WEEK_NOT_ENDED:
    'An Account Health Report can be issued only for a week that has ended (by the platform clock).',
  THROTTLED: 'Your cost budget is spent; retry after `Retry-After` seconds.',
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was used before with a different request body.',
  SERVICE_UNAVAILABLE: 'A dependency (the database) is unavailable; retry shortly.',
  TIMEOUT:
    'The operation ran longer than its execution budget (HTTP 504); its database work was cancelled. Ask for less or retry later; top-level only.',
  REGISTRATION_CLOSED: 'Registration for the seller event has closed (by the platform clock).',
  EVENT_NOT_ELIGIBLE: "The shop does not meet the seller event's eligibility (minimum tier or categories).",
  PRIMARY_CATEGORY_NOT_SET:
    'The shop has no primary category yet, and this needs one (select it, or wait for assignment).',
  SELF_SHIPPING_NOT_ALLOWED: "Self-shipping is a tier privilege the shop's tier does not include.",
  PLATFORM_OPERATED:
    "The shop is SELF_OPERATED: the platform runs its pricing and fulfilment, so a listing's price and the fulfilment mode are not the seller's to change.",
  BAD_REQUEST:
    'The HTTP request is malformed (not JSON, no query, an invalid header, a method other than GET or POST, a mutation sent with GET); top-level only.',
  GRAPHQL_PARSE_FAILED: 'The document is not valid GraphQL syntax; top-level only.',
  GRAPHQL_VALIDATION_FAILED:
    'The document does not fit the schema (unknown field, wrong argument type…); top-level only.',
  NOT_ACCEPTABLE: 'None of the media types in the Accept header can be served (HTTP 406); top-level only.',
  UNSUPPORTED_MEDIA_TYPE: 'The request body is not application/json in UTF-8 (HTTP 415); top-level only.',
  PERSISTED_QUERY_NOT_FOUND:
    'The persisted document hash is not known here: send the query text with the hash (Apollo APQ does this by itself); top-level only.',
  PERSISTED_QUERY_ONLY:
    "The API key runs only trusted documents (the SDK's operations), and this document is not one (HTTP 403); top-level only.",
  INTERNAL: 'An unexpected error; report the request id.',
};

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Stable, machine-readable error codes. Branch on these, never on messages.',
  values: Object.fromEntries(
    errorCodes.map((code) => [code, { value: code, description: codeDescriptions[code] }]),
  ) as Record<ErrorCode, { value: ErrorCode; description: string }>,
});

export const ErrorInterface = builder.interfaceRef<AppError>('Error').implement({
  description: 'Every error in a mutation result implements this interface.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'A human-readable explanation, in English.' }),
    code: t.field({ type: ErrorCodeEnum, description: 'The stable error code.', resolve: (e) => e.code }),
  }),
});

const FieldErrorRef = builder.objectRef<FieldError>('FieldError').implement({
  description: 'One invalid input field.',
  fields: (t) => ({
    path: t.exposeStringList('path', {
      description: 'Path to the field from the mutation argument, e.g. ["input", "sites", "0"].',
    }),
    message: t.exposeString('message', { description: 'What is wrong with it.' }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input is invalid; nothing was changed.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    fields: t.field({
      type: [FieldErrorRef],
      description: 'Each invalid input field with its path.',
      resolve: (e) => e.fields,
    }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'The object does not exist, or it is outside your reach.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    typename: t.exposeString('typename', { description: 'The type that was looked up.' }),
  }),
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  description: 'Your API key lacks the role or scope for this; nothing was changed.',
  interfaces: [ErrorInterface],
  fields: () => ({}),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description: 'A concurrent change won; re-read the object and retry.',
  interfaces: [ErrorInterface],
  fields: () => ({}),
});

builder.objectType(InvalidStateError, {
  name: 'InvalidStateError',
  description:
    "The request is well-formed but the rules or the object's state do not allow it; `code` says which rule.",
  interfaces: [ErrorInterface],
  fields: () => ({}),
});
