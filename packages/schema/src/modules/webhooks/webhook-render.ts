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

/** Subjects per execution: `nodes(ids:)` takes at most 100. */
const NODES_PER_EXECUTION = 100;

/** The document rendering subjects of one event type through `nodes(ids:)`, validated once. */
async function documentFor(type: string): Promise<DocumentNode | null> {
  const selection = webhookObjectSelection(type);
  if (!selection) return null;
  let document = documents.get(type);
  if (!document) {
    const subject = eventCatalogue[type]?.subject ?? '';
    document = parse(`query WebhookObjects($ids: [ID!]!) { nodes(ids: $ids) { ... on ${subject} { ${selection} } } }`);
    const errors = validate(schemaOf(), document);
    if (errors.length) throw new Error(`The webhook selection of ${type} is invalid: ${errors[0]?.message}`);
    documents.set(type, document);
  }
  return document;
}

type RenderedObject = Record<string, unknown> | null;

/**
 * The events' subjects as their GraphQL types render them for `viewer` (the receiving endpoint's
 * key), exactly as `node(id:)` with the type's selection answers it: null when a subject has no
 * GraphQL type, is gone, or is outside what the key may read. One execution per event type and 100
 * subjects, so the loaders read them together. Returns each event's object.
 */
export async function renderWebhookObjects(
  prisma: PrismaClient,
  viewer: Viewer,
  events: readonly Pick<StoredEvent, 'type' | 'subjectId'>[],
): Promise<(event: Pick<StoredEvent, 'type' | 'subjectId'>) => RenderedObject> {
  const contextValue = createContext({
    prisma,
    viewer,
    requestId: 'webhook-render',
    production: webhookDeliverySettings().production,
  });
  const rendered = new Map<string, RenderedObject>();
  const keyOf = (type: string, subjectId: string) => `${type}\u0000${subjectId}`;
  const subjectsByType = new Map<string, Set<string>>();
  for (const { type, subjectId } of events)
    if (eventCatalogue[type]?.subject && /^\d+$/.test(subjectId))
      subjectsByType.set(type, (subjectsByType.get(type) ?? new Set()).add(subjectId));
  for (const [type, subjects] of subjectsByType) {
    const document = await documentFor(type);
    const subject = eventCatalogue[type]?.subject;
    if (!document || !subject) continue;
    const ids = [...subjects];
    for (let from = 0; from < ids.length; from += NODES_PER_EXECUTION) {
      const chunk = ids.slice(from, from + NODES_PER_EXECUTION);
      const result = await execute({
        schema: schemaOf(),
        document,
        variableValues: { ids: chunk.map((id) => encodeGlobalId(subject, id)) },
        contextValue,
      });
      const nodes = (result.data as { nodes?: (Record<string, unknown> | null)[] } | null | undefined)?.nodes ?? [];
      chunk.forEach((id, i) => {
        const node = nodes[i];
        rendered.set(keyOf(type, id), node && Object.keys(node).length ? node : null);
      });
    }
  }
  return (event) => rendered.get(keyOf(event.type, event.subjectId)) ?? null;
}
