import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { PrismaClient } from '@shopwarden/db';
import { createContext } from '#context';
import { encodeGlobalId } from '#lib/ids.ts';
import type { Viewer } from '#modules/auth/viewer.ts';
import { eventCatalogue } from './event-catalogue.ts';
import { webhookDeliverySettings } from './webhook-http.ts';
import type { StoredEvent } from './webhook-payload.ts';

/**
 * The fields of each subject type a payload's `data.object` carries (docs/webhooks.md): what the
 * object's GraphQL type renders for this selection, read by the endpoint's key. Nested objects stay
 * ones every key that receives the event may read, so a missing scope elsewhere never nulls the object.
 */
export const webhookObjectSelections: Readonly<Record<string, string>> = {
  Listing: `id title description status version sites submittedAt createdAt
    price { amount currencyCode } category { id name }
    latestReview { id decision automatic fromStatus toStatus listingVersion reasons { code message } note createdAt }`,
  RestrictedCategoryApproval: 'id status justification decisionNote decidedAt createdAt category { id name }',
  Violation: `id status source points remainingPoints occurredAt expiresAt note listingId orderId createdAt
    policy { id code title }`,
  ViolationAppeal: `id status statement decisionNote decidedAt createdAt
    violation { id status points remainingPoints policy { id code title } }`,
  Shop: `id name status healthStatus businessModel fulfilmentMode sites
    primaryCategory { id name } primaryCategorySource primaryCategorySetAt needsManualCategoryDecision createdAt`,
  CategoryExceptionRequest: `id status comment decisionNote decidedAt createdAt requestedCategories { id name }
    grants { category { id name } createdAt }`,
  QuizAttempt: 'id month passed correctCount pointsRemoved answers submittedAt',
  EventRegistration: `id status createdAt promotedAt cancelledAt attended attendedAt
    event { id title city venue startsAt endsAt capacity seatsLeft waitlistCount }`,
  ContentItem: 'id kind title url publishedAt shopName creator { id handle displayName }',
  Partnership: `id status version commissionRateBps creatorHandle shopName message proposedAt respondedAt
    startsAt endsAt startedAt endedAt expiresAt closedBy closeReason`,
  Creator: 'id handle displayName followerCount engagementRateBps regions niches { id name }',
  BulkOperation: `id mutation status lineCount processedCount succeededCount failedCount errorCode
    createdAt startedAt finishedAt`,
  WebhookEndpoint: 'id url description eventTypes enabled disabledAt disabledReason failingSince createdAt',
};

/** Extra fields some event types add to their subject's selection. */
const extraSelections: Readonly<Record<string, string>> = {
  'shop.tier_changed': 'tier { id code name rank }',
};

/** The selection `data.object` of an event type renders; null for a subject with no GraphQL type. */
export function webhookObjectSelection(type: string): string | null {
  const subject = eventCatalogue[type]?.subject;
  const base = subject ? webhookObjectSelections[subject] : undefined;
  if (!base) return null;
  return [base, extraSelections[type]].filter(Boolean).join(' ');
}

const documents = new Map<string, DocumentNode>();
let providedSchema: GraphQLSchema | null = null;

/** The schema payloads render through; schema.ts provides it once built (importing it here would loop). */
export function provideWebhookSchema(schema: GraphQLSchema): void {
  providedSchema = schema;
  documents.clear();
}

function schemaOf(): GraphQLSchema {
  if (!providedSchema) throw new Error('The webhook renderer has no schema: import @shopwarden/schema first.');
  return providedSchema;
}

/** The document rendering one event type's subject through `node(id:)`, validated once. */
async function documentFor(type: string): Promise<DocumentNode | null> {
  const selection = webhookObjectSelection(type);
  if (!selection) return null;
  let document = documents.get(type);
  if (!document) {
    const subject = eventCatalogue[type]?.subject ?? '';
    document = parse(`query WebhookObject($id: ID!) { node(id: $id) { ... on ${subject} { ${selection} } } }`);
    const errors = validate(schemaOf(), document);
    if (errors.length) throw new Error(`The webhook selection of ${type} is invalid: ${errors[0]?.message}`);
    documents.set(type, document);
  }
  return document;
}

/**
 * The event's subject as its GraphQL type renders it for `viewer` (the receiving endpoint's key):
 * null when the subject has no GraphQL type, is gone, or is outside what the key may read.
 */
export async function renderWebhookObject(
  prisma: PrismaClient,
  viewer: Viewer,
  event: Pick<StoredEvent, 'type' | 'subjectId' | 'subjectType'>,
): Promise<Record<string, unknown> | null> {
  const document = await documentFor(event.type);
  const subject = eventCatalogue[event.type]?.subject;
  if (!document || !subject || !/^\d+$/.test(event.subjectId)) return null;
  const contextValue = createContext({
    prisma,
    viewer,
    requestId: 'webhook-render',
    production: webhookDeliverySettings().production,
  });
  const result = await execute({
    schema: schemaOf(),
    document,
    variableValues: { id: encodeGlobalId(subject, event.subjectId) },
    contextValue,
  });
  const node = (result.data as { node?: Record<string, unknown> | null } | null | undefined)?.node;
  return node && Object.keys(node).length ? node : null;
}
