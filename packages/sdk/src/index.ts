export { createShopWardenClient, type ShopWardenClient } from './client.ts';
export {
  toJsonl,
  parseBulkResult,
  type BulkHelpers,
  type BulkLine,
  type BulkLineInputs,
  type BulkResultLine,
  type BulkOperationState,
  type BulkRunOptions,
  type FinishedBulkOperation,
} from './bulk.ts';
export { paginate, type ConnectionLike } from './paginate.ts';
export {
  isSuccess,
  isError,
  assertSuccess,
  type ResultMember,
  type SuccessOf,
  type ErrorOf,
  type ErrorWithCode,
} from './results.ts';
export { ShopWardenError, ShopWardenResultError } from './errors.ts';
export { describeOperation, type OperationKind, type OperationInfo } from './document.ts';
export { parseRetryAfter } from './transport.ts';
export {
  verifyWebhook,
  ShopWardenWebhookError,
  type WebhookEvent,
  type WebhookEventType,
  type WebhookSubject,
} from './webhooks.ts';
export {
  createSubscribe,
  type Subscribe,
  type SubscribeOptions,
  type SubscriptionHelpers,
  type ShopEventOf,
} from './subscriptions.ts';
export { possibleTypes } from './possible-types.ts';
export type {
  TypedDocumentString,
  ResultOf,
  VariablesOf,
  VariablesArgs,
  ResultFor,
  ArgsFor,
  ClientResponse,
  GraphQLErrorEntry,
  ResponseExtensions,
  CostExtension,
  ThrottleStatus,
  RequestOptions,
  FetchLike,
  FetchInit,
  ResponseLike,
  ClientLogEvent,
  ThrottleOptions,
  ShopWardenClientOptions,
} from './types.ts';
// Generated from operations/*.graphql: one typed document per operation, and the grouped-method types.
export * from './generated/operations.ts';
// Generated from the schema: enums as string-literal unions, input types, and each operation's result and variables.
export type * from './generated/types.ts';
