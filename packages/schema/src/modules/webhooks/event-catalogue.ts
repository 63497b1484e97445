import { hasScope, type Viewer } from '#modules/auth/viewer.ts';

/**
 * Who may receive an event type: the read scope it needs, and its audience. `shop`: keys that reach
 * the event's shop; `creator`: administrators and the partner apps representing the creator;
 * `admin`: administrator keys only; `bulk`: the key that created the bulk operation; `owner`: the
 * endpoint's own owner (events about webhook endpoints).
 */
export type EventAudience = 'shop' | 'creator' | 'admin' | 'bulk' | 'owner';

export interface EventTypeInfo {
  readonly scope: string | null;
  readonly audience: EventAudience;
  /** The GraphQL type of the event's subject (its global id is `data.subject.id`). */
  readonly subject: string;
  readonly description: string;
  /** The fields of `data` beside `subject`, as documented in docs/webhooks.md. */
  readonly fields: readonly string[];
  /** A `shop` event that also goes to the partner apps representing its `data.creatorId` (a party to it). */
  readonly creatorParty?: boolean;
}

const shop = (scope: string, subject: string, description: string, fields: string[]): EventTypeInfo => ({
  scope,
  audience: 'shop',
  subject,
  description,
  fields,
});

/** Every event type the outbox carries, with who may receive it. docs/webhooks.md documents each payload. */
export const eventCatalogue = {
  'listing.created': shop('listings:read', 'Listing', 'A listing was created as a draft.', ['listingId', 'status']),
  'listing.updated': shop('listings:read', 'Listing', "A listing's content changed.", ['listingId', 'version']),
  'listing.submitted': shop('listings:read', 'Listing', 'A listing was submitted for review.', [
    'listingId',
    'decision',
    'automatic',
    'fromStatus',
    'toStatus',
    'version',
    'reasons',
  ]),
  'listing.reviewed': shop('listings:read', 'Listing', 'A listing was approved, rejected or suspended.', [
    'listingId',
    'decision',
    'automatic',
    'fromStatus',
    'toStatus',
    'version',
    'reasons',
  ]),
  'restricted_approval.requested': shop(
    'listings:read',
    'RestrictedCategoryApproval',
    'A shop asked to sell in a restricted category.',
    ['categoryId'],
  ),
  'restricted_approval.decided': shop(
    'listings:read',
    'RestrictedCategoryApproval',
    'An administrator decided a restricted-category request.',
    ['categoryId', 'decision'],
  ),
  'violation.recorded': shop('health:read', 'Violation', 'A policy violation was recorded against a shop.', [
    'policyCode',
    'source',
    'points',
    'occurredAt',
    'expiresAt',
  ]),
  'violation.appealed': shop('health:read', 'ViolationAppeal', 'A shop appealed a violation.', ['violationId']),
  'violation.appeal_decided': shop('health:read', 'ViolationAppeal', 'An administrator decided an appeal.', [
    'violationId',
    'decision',
    'pointsRemoved',
  ]),
  'shop.health_changed': shop('health:read', 'Shop', "A shop's health status or account status changed.", [
    'statusChangeId',
    'fromHealth',
    'toHealth',
    'fromStatus',
    'toStatus',
    'balance',
    'reason',
  ]),
  'shop.tier_changed': shop('revenue:read', 'Shop', 'A tier recalculation moved a shop to another tier.', [
    'runId',
    'fromTier',
    'toTier',
    'trailingRevenue',
    'lastMonthSales',
    'currency',
    'asOf',
    'fulfilmentMode',
  ]),
  'shop.fulfilment_mode_changed': shop(
    'shops:read',
    'Shop',
    "A shop's seller or agency changed who ships its orders.",
    ['fromMode', 'toMode', 'tier'],
  ),
  'shop.business_model_migrated': shop(
    'shops:read',
    'Shop',
    'A SEMI_CLOSED_LOOP shop migrated to another business model.',
    ['fromBusinessModel', 'toBusinessModel', 'fulfilmentMode', 'migrationDeadline', 'afterDeadline'],
  ),
  'shop.onboarded': shop('shops:read', 'Shop', 'A shop was onboarded.', ['name', 'sites', 'businessModel']),
  'shop.primary_category_selected': shop('shops:read', 'Shop', 'A shop selected its primary category.', [
    'categoryId',
    'exceptionRequestId',
  ]),
  'shop.primary_category_changed': shop('shops:read', 'Shop', "A shop's primary category was changed.", [
    'categoryId',
    'previousCategoryId',
    'reason',
  ]),
  'shop.primary_category_auto_assigned': shop(
    'shops:read',
    'Shop',
    'Auto-assignment gave a shop its primary category.',
    ['categoryId', 'runId'],
  ),
  'category_exception.requested': shop(
    'shops:read',
    'CategoryExceptionRequest',
    'A shop filed a special-circumstances request.',
    ['requestedCategoryIds'],
  ),
  'category_exception.decided': shop(
    'shops:read',
    'CategoryExceptionRequest',
    'An administrator decided a category exception request.',
    ['decision', 'grantedCategoryIds'],
  ),
  'quiz.attempted': shop('shops:read', 'QuizAttempt', 'A shop submitted a policy quiz attempt.', [
    'quizId',
    'policyCode',
    'passed',
    'correctCount',
    'pointsRemoved',
  ]),
  'registration.cancelled': shop('events:read', 'EventRegistration', 'A seller-event registration was cancelled.', [
    'eventId',
    'previousStatus',
  ]),
  'registration.promoted': shop(
    'events:read',
    'EventRegistration',
    'A waitlisted registration got the seat a cancellation freed.',
    ['eventId', 'registrationId', 'replacedRegistrationId'],
  ),
  'content_item.added': {
    ...shop('creators:read', 'ContentItem', 'A creator published content for a shop.', [
      'creatorId',
      'kind',
      'publishedAt',
    ]),
    creatorParty: true,
  },
  ...Object.fromEntries(
    ['proposed', 'accepted', 'declined', 'expired', 'ended'].map((verb) => [
      `partnership.${verb}`,
      {
        ...shop('partnerships:read', 'Partnership', `A partnership was ${verb}.`, [
          'partnershipId',
          'shopId',
          'creatorId',
          'previousStatus',
          'status',
          'by',
          'reason',
          'commissionRateBps',
        ]),
        creatorParty: true,
      },
    ]),
  ),
  'creator.created': {
    scope: 'creators:read',
    audience: 'creator',
    subject: 'Creator',
    description: 'A creator profile was created.',
    fields: ['handle'],
  },
  'creator.updated': {
    scope: 'creators:read',
    audience: 'creator',
    subject: 'Creator',
    description: 'A creator profile changed.',
    fields: ['fields'],
  },
  'auto_assignment.manual_decisions_needed': {
    scope: 'shops:read',
    audience: 'admin',
    subject: 'AutoAssignmentRun',
    description: 'Auto-assignment left shops that need a manual decision.',
    fields: ['shopIds'],
  },
  'bulk_operation.finished': {
    scope: null,
    audience: 'bulk',
    subject: 'BulkOperation',
    description: 'A bulk operation reached COMPLETED, FAILED or CANCELED.',
    fields: ['bulkOperationId', 'mutation', 'status', 'lineCount', 'succeededCount', 'failedCount', 'errorCode'],
  },
  'webhook_endpoint.disabled': {
    scope: null,
    audience: 'owner',
    subject: 'WebhookEndpoint',
    description: 'One of your webhook endpoints was disabled (410 Gone, or failing for 3 days).',
    fields: ['endpointId', 'url', 'reason'],
  },
  ping: {
    scope: null,
    audience: 'owner',
    subject: 'WebhookEndpoint',
    description: 'Sent by `webhookEndpointTest` to the endpoint tested only.',
    fields: ['endpointId'],
  },
} satisfies Record<string, EventTypeInfo> as Record<string, EventTypeInfo>;

export const eventTypes = Object.keys(eventCatalogue).sort();

/** Whether an event type exists and a key with `scopes` and `role` may receive it. */
export function canReceiveEventType(type: string, viewer: Viewer): boolean {
  const info = eventCatalogue[type];
  if (!info) return false;
  if (info.audience === 'admin' && viewer.role !== 'ADMIN') return false;
  if (info.audience === 'creator' && viewer.role !== 'ADMIN' && viewer.role !== 'PARTNER') return false;
  return info.scope === null || hasScope(viewer, info.scope);
}
