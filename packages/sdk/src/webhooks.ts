import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type {
  WebhookBulkOperationObjectFragment,
  WebhookCategoryExceptionRequestObjectFragment,
  WebhookContentItemObjectFragment,
  WebhookCreatorObjectFragment,
  WebhookEventRegistrationObjectFragment,
  WebhookListingObjectFragment,
  WebhookPartnershipObjectFragment,
  WebhookQuizAttemptObjectFragment,
  WebhookRestrictedCategoryApprovalObjectFragment,
  WebhookShopObjectFragment,
  WebhookShopTierObjectFragment,
  WebhookViolationAppealObjectFragment,
  WebhookViolationObjectFragment,
  WebhookEndpointObjectFragment,
} from './generated/types.ts';

/** What every webhook payload's `data` carries: the global id and GraphQL type of the object the event is about. */
export interface WebhookSubject {
  type: string;
  id: string;
}

interface Envelope<T extends string, D, O = never> {
  /** The stable event id, also the `webhook-id` header: deduplicate on it (retries and replays repeat it). */
  id: string;
  type: T;
  /** When it happened (ISO 8601, platform clock). */
  timestamp: string;
  /** The shop's global id; null for events that concern no shop. */
  shopId: string | null;
  /**
   * `object`: the subject as its GraphQL type rendered it for your key when the event was relayed
   * (null when your key may not read it or it is gone). `truncated: true`: the payload was over
   * 256 KB and carries only `subject`; read the object with the API.
   */
  data: { subject: WebhookSubject; truncated?: true; object?: O | null } & D;
}

type ListingTransition = {
  listingId: number;
  decision: string;
  automatic: boolean;
  fromStatus: string;
  toStatus: string;
  version: number;
  reasons: unknown[];
};
type PartnershipChange = {
  partnershipId: number;
  shopId: number;
  creatorId: number;
  previousStatus: string | null;
  status: string;
  by: string;
  reason: string | null;
  commissionRateBps: number;
};

/** Every event a webhook endpoint can receive, discriminated by `type` (docs/webhooks.md has the catalogue). */
export type WebhookEvent =
  | Envelope<'listing.created', { listingId: number; status: string }, WebhookListingObjectFragment>
  | Envelope<'listing.updated', { listingId: number; version: number }, WebhookListingObjectFragment>
  | Envelope<'listing.submitted' | 'listing.reviewed', ListingTransition, WebhookListingObjectFragment>
  | Envelope<'restricted_approval.requested', { categoryId: number }, WebhookRestrictedCategoryApprovalObjectFragment>
  | Envelope<
      'restricted_approval.decided',
      { categoryId: number; decision: string },
      WebhookRestrictedCategoryApprovalObjectFragment
    >
  | Envelope<
      'violation.recorded',
      { policyCode: string; source: string; points: number; occurredAt: string; expiresAt: string },
      WebhookViolationObjectFragment
    >
  | Envelope<'violation.appealed', { violationId: number }, WebhookViolationAppealObjectFragment>
  | Envelope<
      'violation.appeal_decided',
      { violationId: number; decision: string; pointsRemoved: number },
      WebhookViolationAppealObjectFragment
    >
  | Envelope<
      'shop.health_changed',
      {
        statusChangeId: number;
        fromHealth: string;
        toHealth: string;
        fromStatus: string;
        toStatus: string;
        balance: number;
        reason: string;
      },
      WebhookShopObjectFragment
    >
  | Envelope<
      'shop.tier_changed',
      {
        runId: number;
        fromTier: string | null;
        toTier: string;
        trailingRevenue: string;
        lastMonthSales: string;
        currency: string;
        asOf: string;
        fulfilmentMode: string;
      },
      WebhookShopTierObjectFragment
    >
  | Envelope<'shop.onboarded', { name: string; sites: string[]; businessModel: string }, WebhookShopObjectFragment>
  | Envelope<
      'shop.primary_category_selected',
      { categoryId: number; exceptionRequestId: number | null },
      WebhookShopObjectFragment
    >
  | Envelope<
      'shop.primary_category_changed',
      { categoryId: number; previousCategoryId: number | null; reason: string },
      WebhookShopObjectFragment
    >
  | Envelope<'shop.primary_category_auto_assigned', { categoryId: number; runId: number }, WebhookShopObjectFragment>
  | Envelope<
      'category_exception.decided',
      { decision: string; grantedCategoryIds: number[] },
      WebhookCategoryExceptionRequestObjectFragment
    >
  | Envelope<
      'quiz.attempted',
      { quizId: number; policyCode: string; passed: boolean; correctCount: number; pointsRemoved: number },
      WebhookQuizAttemptObjectFragment
    >
  | Envelope<
      'registration.cancelled',
      { eventId: number; previousStatus: string },
      WebhookEventRegistrationObjectFragment
    >
  | Envelope<
      'registration.promoted',
      { eventId: number; registrationId: number; replacedRegistrationId: number },
      WebhookEventRegistrationObjectFragment
    >
  | Envelope<
      'content_item.added',
      { creatorId: number; kind: string; publishedAt: string },
      WebhookContentItemObjectFragment
    >
  | Envelope<
      | 'partnership.proposed'
      | 'partnership.accepted'
      | 'partnership.declined'
      | 'partnership.expired'
      | 'partnership.ended',
      PartnershipChange,
      WebhookPartnershipObjectFragment
    >
  | Envelope<'creator.created', { handle: string }, WebhookCreatorObjectFragment>
  | Envelope<'creator.updated', { fields: string[] }, WebhookCreatorObjectFragment>
  | Envelope<'auto_assignment.manual_decisions_needed', { shopIds: number[] }>
  | Envelope<
      'bulk_operation.finished',
      {
        bulkOperationId: number;
        mutation: string;
        status: string;
        lineCount: number;
        succeededCount: number;
        failedCount: number;
        errorCode: string | null;
      },
      WebhookBulkOperationObjectFragment
    >
  | Envelope<
      'webhook_endpoint.disabled',
      { endpointId: string; url: string; reason: string },
      WebhookEndpointObjectFragment
    >
  | Envelope<'ping', { endpointId: string }, WebhookEndpointObjectFragment>;

export type WebhookEventType = WebhookEvent['type'];

/** A delivery that did not verify: a wrong or missing signature, or a timestamp more than 5 minutes off. */
export class ShopWardenWebhookError extends Error {
  override readonly name = 'ShopWardenWebhookError';
}

type HeadersLike = { get(name: string): string | null } | Record<string, string | readonly string[] | undefined>;

function headerRecord(headers: HeadersLike): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    let value: string | readonly string[] | null | undefined;
    if (typeof (headers as { get?: unknown }).get === 'function')
      value = (headers as { get(n: string): string | null }).get(name);
    else {
      const record = headers as Record<string, string | readonly string[] | undefined>;
      const key = Object.keys(record).find((k) => k.toLowerCase() === name);
      value = key === undefined ? undefined : record[key];
    }
    if (value != null) out[name] = typeof value === 'string' ? value : value.join(' ');
  }
  return out;
}

/**
 * Verifies a ShopWarden webhook delivery per Standard Webhooks and returns its event, typed by
 * `type`. Pass the raw body (exactly the bytes received, before any JSON parsing), the request's
 * headers, and the endpoint's secret ("whsec_…"); during a rotation pass both secrets. Throws
 * `ShopWardenWebhookError` when no secret's signature matches or the timestamp is over 5 minutes off.
 */
export function verifyWebhook(
  body: string | Uint8Array,
  headers: HeadersLike,
  secret: string | readonly string[],
): WebhookEvent {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const record = headerRecord(headers);
  let last: unknown = null;
  for (const s of secrets) {
    try {
      return new Webhook(s).verify(body, record) as WebhookEvent;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      last = error;
    }
  }
  throw new ShopWardenWebhookError(last instanceof Error ? last.message : 'No secret to verify with.');
}
