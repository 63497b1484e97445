import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { ValidationError } from '#lib/errors.ts';
import { toDbId } from '#lib/ids.ts';
import { ContentItemNode } from '#modules/creators/creator.node.ts';
import { ShopNode } from '#modules/shops/shop.node.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { PolicyNode } from './policy.node.ts';
import { ViolationSourceEnum } from './violation.node.ts';
import { recordViolation } from './violation.service.ts';

const ViolationRecordInput = builder.inputType('ViolationRecordInput', {
  description: 'A violation to record. The reference must match the source and belong to the same shop.',
  fields: (t) => ({
    shopId: t.globalID({ for: ShopNode, required: true, description: 'The shop that committed it.' }),
    policyId: t.globalID({ for: PolicyNode, required: true, description: 'The policy breached.' }),
    source: t.field({ type: ViolationSourceEnum, required: true, description: 'Where it was found.' }),
    contentItemId: t.globalID({
      for: ContentItemNode,
      description: 'For LIVE_SESSION and VIDEO (required): the content item of the same kind and shop.',
    }),
    listingId: t.globalID({ description: 'For LISTING (required): the global ID of a listing of the shop.' }),
    orderId: t.globalID({ description: 'For ORDER (required): the global ID of an order of the shop.' }),
    occurredAt: t.field({
      type: 'DateTime',
      required: true,
      description: 'When it occurred (not in the future); its points count from then for pointExpiryDays.',
    }),
    points: t.int({ description: "Points it costs (1–1000); default: the policy's defaultPoints." }),
    note: t.string({ description: 'A note for the shop (at most 2000 characters).' }),
  }),
});

interface RecordResult {
  violationId: number;
  shopId: number;
}

const ViolationRecordSuccess = builder.objectRef<RecordResult>('ViolationRecordSuccess').implement({
  description: "The violation is recorded, its points are in the ledger, and the shop's health was recomputed.",
  fields: (t) => ({
    violation: t.prismaField({
      type: 'Violation',
      description: 'The violation, re-read.',
      resolve: (q, r, _a, ctx) => ctx.prisma.violation.findUniqueOrThrow({ ...q, where: { id: r.violationId } }),
    }),
    shop: t.prismaField({
      type: 'Shop',
      description: 'The shop, re-read (health and status after the change).',
      resolve: (q, r, _a, ctx) => ctx.prisma.shop.findUniqueOrThrow({ ...q, where: { id: r.shopId } }),
    }),
  }),
});

/** Decodes a plain global ID whose type is not declared on the input (the listing and order types live in other modules). */
function typedId(
  value: { typename: string; id: string } | null | undefined,
  typename: string,
  path: string[],
): number | null {
  if (!value) return null;
  if (value.typename !== typename) throw ValidationError.field(path, `Expected a ${typename} ID.`);
  return toDbId(value, path);
}

builder.mutationField('violationRecord', (t) =>
  t.field({
    type: ViolationRecordSuccess,
    description:
      "Records a violation with a VIOLATION_ADDED ledger entry (administrators), then recomputes the shop's health and status.",
    errors: {},
    args: { input: t.arg({ type: ViolationRecordInput, required: true }) },
    resolve: audited('violationRecord', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      const shopId = toDbId(input.shopId, ['input', 'shopId']);
      const { violation } = await recordViolation(ctx, {
        shopId,
        policyId: toDbId(input.policyId, ['input', 'policyId']),
        source: input.source,
        contentItemId: input.contentItemId ? toDbId(input.contentItemId, ['input', 'contentItemId']) : null,
        listingId: typedId(input.listingId, 'Listing', ['input', 'listingId']),
        orderId: typedId(input.orderId, 'Order', ['input', 'orderId']),
        occurredAt: input.occurredAt,
        points: input.points ?? null,
        note: input.note ?? null,
      });
      return { violationId: violation.id, shopId };
    }),
  }),
);
