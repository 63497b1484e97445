import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { assertAdmin } from '#modules/auth/viewer.ts';
import { onboardShop } from './shop.service.ts';
import { BusinessModelEnum } from './shop.node.ts';

export const VerificationDocumentTypeEnum = builder.enumType('VerificationDocumentType', {
  description: 'Documents accepted for verification on sites that require one (the US by default).',
  values: {
    PASSPORT: { description: 'A passport.' },
    DRIVERS_LICENSE: { description: "A driver's license." },
    COMPANY_REGISTRATION: { description: 'A company registration certificate.' },
  } as const,
});

const VerificationDocumentInput = builder.inputType('VerificationDocumentInput', {
  description: 'One verification document.',
  fields: (t) => ({
    type: t.field({ type: VerificationDocumentTypeEnum, required: true, description: 'Kind of document.' }),
    reference: t.string({ required: true, description: 'Document number or file reference.' }),
  }),
});

const ShopOnboardInput = builder.inputType('ShopOnboardInput', {
  description: 'A new shop.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Display name, 1–120 characters.' }),
    sites: t.field({ type: ['CountryCode'], required: true, description: 'Country sites to sell on (at least one).' }),
    businessModel: t.field({
      type: BusinessModelEnum,
      description: 'Defaults to CLOSED_LOOP. SEMI_CLOSED_LOOP is refused after its retirement date.',
    }),
    verificationDocument: t.field({
      type: VerificationDocumentInput,
      description: 'Required when a site needs verification (the US by default).',
    }),
    invitationCode: t.string({ description: 'Required while a site is invite-only.' }),
    createSellerKey: t.boolean({
      description: "Create the shop's first SELLER API key (default true); its secret is returned once.",
    }),
  }),
});

interface ShopOnboardResult {
  shopId: number;
  apiKeyId: number | null;
  secret: string | null;
}

const ShopOnboardSuccess = builder.objectRef<ShopOnboardResult>('ShopOnboardSuccess').implement({
  description: 'The shop was onboarded.',
  fields: (t) => ({
    shop: t.prismaField({
      type: 'Shop',
      description: 'The new shop.',
      resolve: (query, r, _a, ctx) => ctx.prisma.shop.findUniqueOrThrow({ ...query, where: { id: r.shopId } }),
    }),
    apiKey: t.prismaField({
      type: 'ApiKey',
      nullable: true,
      description: "The new SELLER key's record (without its secret).",
      resolve: (query, r, _a, ctx) =>
        r.apiKeyId === null ? null : ctx.prisma.apiKey.findUnique({ ...query, where: { id: r.apiKeyId } }),
    }),
    secret: t.exposeString('secret', { nullable: true, description: 'The new SELLER key. Shown once: store it now.' }),
  }),
});

builder.mutationField('shopOnboard', (t) =>
  t.field({
    type: ShopOnboardSuccess,
    description:
      'Onboards a shop (administrators). Applies the business-model retirement and, per site, the verification and invitation rules.',
    errors: {},
    args: { input: t.arg({ type: ShopOnboardInput, required: true }) },
    resolve: audited('shopOnboard', async (_root, { input }, ctx) => {
      assertAdmin(ctx.viewer);
      const { shop, apiKey, secret } = await onboardShop(ctx, input);
      return { shopId: shop.id, apiKeyId: apiKey?.id ?? null, secret };
    }),
  }),
);
