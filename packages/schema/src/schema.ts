import { lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import { describeGeneratedParts } from './lib/describe.ts';
import { answerCompiledObjects } from './compiled/partial.ts';
import { enforceReadScopes } from './lib/read-scope.ts';
import { provideWebhookSchema } from './modules/webhooks/webhook-render.ts';

// The modules, listed explicitly so the architecture reads from this file.
import './modules/core/errors.ts';
import './modules/core/money.ts';
import './modules/platform/platform-settings.node.ts';
import './modules/platform/platform-job.node.ts';
import './modules/platform/platform-job-run.mutation.ts';
import './modules/platform/catalogue-change.node.ts';
import './modules/auth/api-key.node.ts';
import './modules/auth/api-key-create.mutation.ts';
import './modules/auth/api-key-revoke.mutation.ts';
import './modules/auth/shop-access.mutation.ts';
import './modules/shops/category.node.ts';
import './modules/shops/shop.node.ts';
import './modules/shops/category-selection.node.ts';
import './modules/shops/campaign.node.ts';
import './modules/shops/shop-onboard.mutation.ts';
import './modules/shops/shop-select-primary-category.mutation.ts';
import './modules/shops/category-exception-request-review.mutation.ts';
import './modules/shops/shop-change-primary-category.mutation.ts';
import './modules/shops/primary-category-auto-assign.mutation.ts';
import './modules/shops/category-exception-request-submit.mutation.ts';
import './modules/shops/shop-fulfilment-mode-set.mutation.ts';
import './modules/shops/shop-business-model-migrate.mutation.ts';
import './modules/shops/verification-document.node.ts';
import './modules/shops/invitation-code.node.ts';
import './modules/shops/invitation-codes-issue.mutation.ts';
import './modules/shops/invitation-code-revoke.mutation.ts';
import './modules/shops/category-update.mutation.ts';
// listings
import './modules/listings/listing.node.ts';
import './modules/listings/listing-create.mutation.ts';
import './modules/listings/listing-update.mutation.ts';
import './modules/listings/listing-submit.mutation.ts';
import './modules/listings/listing-review.mutation.ts';
import './modules/listings/listing-bulk-submit.mutation.ts';
import './modules/listings/listing-bulk-review.mutation.ts';
import './modules/listings/restricted-category-approval.node.ts';
import './modules/listings/restricted-category-approval-request.mutation.ts';
import './modules/listings/restricted-category-approval-decide.mutation.ts';
// health, quiz and creators (SPEC §3, §4, §7 data)
import './modules/creators/creator.node.ts';
import './modules/creators/creator-create.mutation.ts';
import './modules/creators/creator-update.mutation.ts';
import './modules/creators/content-item-add.mutation.ts';
import './modules/creators/creator-representation.mutation.ts';
import './modules/creators/compliance.node.ts';
import './modules/creators/creator-settings.node.ts';
import './modules/partnerships/partnership.node.ts';
import './modules/partnerships/partnership-propose.mutation.ts';
import './modules/partnerships/partnership-answer.mutation.ts';
import './modules/partnerships/partnership-end.mutation.ts';
import './modules/matching/matching.node.ts';
import './modules/health/policy.node.ts';
import './modules/health/violation.node.ts';
import './modules/health/health-report.node.ts';
import './modules/health/violation-record.mutation.ts';
import './modules/health/violation-appeal-submit.mutation.ts';
import './modules/health/violation-appeal-decide.mutation.ts';
import './modules/health/shop-health-refresh.mutation.ts';
import './modules/health/health-report-issue.mutation.ts';
import './modules/health/policy-update.mutation.ts';
import './modules/quiz/quiz.node.ts';
import './modules/quiz/quiz-attempt-submit.mutation.ts';
import './modules/quiz/quiz-update.mutation.ts';
// revenue
import './modules/revenue/fee-category.node.ts';
import './modules/revenue/order.node.ts';
import './modules/revenue/order-import.mutation.ts';
import './modules/revenue/tier.node.ts';
import './modules/revenue/tier-recalculate.mutation.ts';
import './modules/revenue/tier-update.mutation.ts';
import './modules/revenue/fee-category-update.mutation.ts';
import './modules/revenue/profit.node.ts';
// events
import './modules/events/seller-event.node.ts';
import './modules/events/event-create.mutation.ts';
import './modules/events/event-register.mutation.ts';
import './modules/events/event-registration-cancel.mutation.ts';
import './modules/events/event-attendance-mark.mutation.ts';
// asynchronous bulk operations (PLATFORM.md "Bulk work for agencies")
import './modules/bulk/api/bulk-operation.node.ts';
import './modules/bulk/api/bulk-operation-run.mutation.ts';
import './modules/bulk/api/bulk-operation-finished.subscription.ts';
import './modules/bulk/api/bulk-operation-cancel.mutation.ts';
import './modules/webhooks/webhook-endpoint.node.ts';
import './modules/webhooks/webhook-endpoint-create.mutation.ts';
import './modules/webhooks/webhook-endpoint-update.mutation.ts';
import './modules/webhooks/webhook-endpoint-delete.mutation.ts';
import './modules/webhooks/webhook-endpoint-rotate-secret.mutation.ts';
import './modules/webhooks/webhook-endpoint-test.mutation.ts';
import './modules/webhooks/webhook-event-replay.mutation.ts';
import './modules/subscriptions/event-subscriptions.ts';

export const schema: GraphQLSchema = answerCompiledObjects(
  enforceReadScopes(describeGeneratedParts(builder.toSchema())),
);
provideWebhookSchema(schema);

/** The schema as committed in packages/schema/schema.graphql (sorted, so diffs stay readable). */
export function printableSchema(): GraphQLSchema {
  return lexicographicSortSchema(schema);
}
