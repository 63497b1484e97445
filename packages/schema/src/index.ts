export { schema, printableSchema } from './schema.ts';
export { jobs } from './jobs.ts';
export {
  createContext,
  feed,
  feedKey,
  platformNow,
  readPlatformNow,
  type Context,
  type ContextInit,
  type FeedEntry,
  type FeedKey,
} from './context.ts';
export { hasScope, isAdmin, type Viewer } from './modules/auth/viewer.ts';
export { fieldReadScope, mayRead, readScopeOf, scopeName, type ReadScope } from './lib/read-scope.ts';
export { authenticateApiKey, type AuthenticationResult } from './modules/auth/authenticate.service.ts';
export { AppError, errorCodes, type ErrorCode } from './lib/errors.ts';
export {
  bindPlan,
  compileRead,
  answerDeferredFields,
  answerDeferredLeaves,
  answerInPlace,
  compiledRootValue,
  executionValues,
  planRead,
  residualKey,
  resolversMustAnswer,
  variableShape,
  type CompiledRead,
  type CompileReadInput,
  type CompileReadResult,
  type Fallback,
  type ReadPlan,
  type VariableShape,
} from './compiled/index.ts';
export {
  claimBulkOperation,
  extendBulkLease,
  failBulkOperation,
  prepareBulkOperation,
  releaseBulkOperation,
  type ClaimedBulkOperation,
  type HandedBulkOperation,
  type PreparedBulkOperation,
} from './modules/bulk/worker/lease.ts';
export { runBulkOperationChunk } from './modules/bulk/worker/chunk-runner.ts';
export type { ChunkMode, ChunkOptions, ChunkOutcome } from './modules/bulk/worker/chunk.ts';
export {
  onBulkOperationCreated,
  onBulkOperationHandOff,
  type BulkHandOff,
} from './modules/bulk/submission/hand-off.ts';
export {
  BulkOperationFeed,
  BULK_OPERATIONS_CHANNEL,
  bulkOperationFeedKey,
  type BulkFeedSignal,
  type BulkOperationFinished,
} from './modules/bulk/api/bulk-operation-feed.ts';
export { expireDuePartnerships } from './modules/partnerships/partnership-expiry.service.ts';
export { matchingSql, type MatchQuery, type MatchRow } from './modules/matching/matching.sql.ts';
export { matchParts, scoreOf, type MatchInput, type MatchWeights } from './modules/matching/match-formula.ts';
export {
  configureWebhookDelivery,
  type WebhookAttemptReport,
  type WebhookDeliverySettings,
} from './modules/webhooks/webhook-http.ts';
export {
  EVENTS_CHANNEL,
  MAX_DELIVERY_ATTEMPTS,
  RETRY_SCHEDULE_MS,
} from './modules/webhooks/webhook-delivery.service.ts';
export { eventCatalogue, eventTypes } from './modules/webhooks/event-catalogue.ts';
export { webhookObjectSelection, webhookObjectSelections } from './modules/webhooks/webhook-render.ts';
export { EventFeed, eventFeedKey } from './modules/subscriptions/event-feed.ts';
export { CategoryCache, categoryCacheKey } from './modules/shops/category-cache.ts';
