import type { Prisma, ViolationSource } from '../generated/prisma/client.ts';
import { QUIZZES } from './quizzes';

export const POLICY_CODES = [
  'PROHIBITED_PRODUCT',
  'RESTRICTED_PRODUCT_WITHOUT_APPROVAL',
  'COUNTERFEIT',
  'IP_INFRINGEMENT',
  'MISLEADING_CLAIMS',
  'MISLEADING_PRICING',
  'PRICE_GOUGING',
  'FAKE_REVIEWS',
  'OFF_PLATFORM_TRANSACTION',
  'LATE_DISPATCH',
  'HIGH_CANCELLATION_RATE',
  'INVALID_TRACKING',
  'REFUSING_VALID_RETURNS',
  'INACCURATE_LISTING',
  'LIVE_SESSION_CONDUCT',
  'UNSAFE_CONTENT',
  'UNDISCLOSED_PARTNERSHIP',
  'MINOR_SAFETY',
  'HARASSMENT_AND_HATE',
  'BUYER_DATA_MISUSE',
] as const;

export type PolicyCode = (typeof POLICY_CODES)[number];

interface PolicySpec {
  title: string;
  description: string;
  points: number;
  /** Where violations of this policy are usually detected. */
  sources: ViolationSource[];
  /** A typical reviewer note for a violation of this policy. */
  exampleNote: string;
}

export const POLICIES: Record<PolicyCode, PolicySpec> = {
  PROHIBITED_PRODUCT: {
    title: 'Prohibited products',
    description:
      'Items that may never be sold on any site, such as weapons and weapon parts, tobacco and vaping products, and prescription-only medicines.',
    points: 12,
    sources: ['LISTING'],
    exampleNote: 'Listing offered a prohibited item; the listing was removed.',
  },
  RESTRICTED_PRODUCT_WITHOUT_APPROVAL: {
    title: 'Restricted products without approval',
    description:
      'Selling in a restricted category (supplements, medical devices, knives, alcohol-free drinks, car seats and similar) without a granted category approval.',
    points: 6,
    sources: ['LISTING'],
    exampleNote: 'Product in a restricted category was sold while the category approval was still pending.',
  },
  COUNTERFEIT: {
    title: 'Counterfeit goods',
    description:
      "Goods bearing a brand's trademark that were not made or authorised by the brand owner, or replicas presented as genuine.",
    points: 12,
    sources: ['LISTING', 'LIVE_SESSION'],
    exampleNote: 'Brand owner confirmed the items were not genuine; test purchase matched the complaint.',
  },
  IP_INFRINGEMENT: {
    title: 'Intellectual property infringement',
    description:
      'Use of copyrighted material, trademarks, designs or other sellers’ content without permission, in listings or in promotional content.',
    points: 8,
    sources: ['LISTING', 'VIDEO'],
    exampleNote: 'Valid rights-holder notice: product images copied from another brand’s catalogue.',
  },
  MISLEADING_CLAIMS: {
    title: 'Misleading product claims',
    description:
      'Health, performance or origin claims that are false or cannot be substantiated, in listings, videos or live sessions.',
    points: 4,
    sources: ['VIDEO', 'LIVE_SESSION', 'LISTING'],
    exampleNote: 'Host claimed the product "cures eczema" without any substantiation.',
  },
  MISLEADING_PRICING: {
    title: 'Misleading prices and discounts',
    description: 'Fake reference prices, inflated "was" prices, or charges hidden until checkout.',
    points: 3,
    sources: ['LISTING'],
    exampleNote: 'Reference price was raised two days before the campaign to inflate the discount.',
  },
  PRICE_GOUGING: {
    title: 'Price gouging',
    description: 'Raising prices of essential goods far beyond cost increases during shortages or emergencies.',
    points: 4,
    sources: ['LISTING', 'ORDER'],
    exampleNote: 'Price of an essential item raised 240% during a declared shortage.',
  },
  FAKE_REVIEWS: {
    title: 'Fake or incentivised reviews',
    description: 'Writing, buying or rewarding reviews, or manipulating ratings in any way.',
    points: 6,
    sources: ['OTHER'],
    exampleNote: 'Parcel insert offered a refund in exchange for a 5-star review.',
  },
  OFF_PLATFORM_TRANSACTION: {
    title: 'Diverting transactions off the platform',
    description: 'Asking buyers to pay or order outside the marketplace, which removes their purchase protection.',
    points: 6,
    sources: ['LIVE_SESSION', 'OTHER'],
    exampleNote: 'Buyers were invited to pay by bank transfer for a discount.',
  },
  LATE_DISPATCH: {
    title: 'Late dispatch',
    description: 'Handing orders to the carrier after the committed handling time, above the allowed rate.',
    points: 2,
    sources: ['ORDER'],
    exampleNote: 'Late dispatch rate above the 4% limit over the last 7 days.',
  },
  HIGH_CANCELLATION_RATE: {
    title: 'Seller-caused cancellations',
    description: 'Cancelling orders because of stock or pricing problems on the seller side, above the allowed rate.',
    points: 2,
    sources: ['ORDER'],
    exampleNote: 'Seller-caused cancellation rate above the 2.5% limit.',
  },
  INVALID_TRACKING: {
    title: 'Invalid tracking information',
    description:
      'Uploading tracking numbers that do not belong to the parcel, or marking orders shipped before hand-over.',
    points: 4,
    sources: ['ORDER'],
    exampleNote: 'Tracking number belonged to a parcel sent to a different address.',
  },
  REFUSING_VALID_RETURNS: {
    title: 'Refusing valid returns and refunds',
    description: 'Refusing returns or refunds that the marketplace policy or the law grants to the buyer.',
    points: 3,
    sources: ['ORDER'],
    exampleNote: 'Return for an item that arrived damaged was refused.',
  },
  INACCURATE_LISTING: {
    title: 'Inaccurate or miscategorised listings',
    description: 'Listings whose title, images, attributes or category do not match the product sold.',
    points: 2,
    sources: ['LISTING'],
    exampleNote: 'Listing described the fabric as silk; the product is polyester.',
  },
  LIVE_SESSION_CONDUCT: {
    title: 'Live session conduct',
    description:
      'Pressure selling, fake scarcity, fake giveaways or other deceptive behaviour during live shopping sessions.',
    points: 3,
    sources: ['LIVE_SESSION'],
    exampleNote: 'Host repeated "only 2 left" while more than 300 units were in stock.',
  },
  UNSAFE_CONTENT: {
    title: 'Dangerous or unsafe content',
    description: 'Content showing dangerous acts, misuse of products, or challenges viewers could be hurt imitating.',
    points: 4,
    sources: ['VIDEO', 'LIVE_SESSION'],
    exampleNote: 'Video showed a power bank being charged under running water.',
  },
  UNDISCLOSED_PARTNERSHIP: {
    title: 'Undisclosed paid partnerships',
    description:
      'Promotional content without the paid-partnership disclosure when the creator is paid, gifted or on commission.',
    points: 2,
    sources: ['VIDEO', 'LIVE_SESSION'],
    exampleNote: 'Affiliate video published without the branded-content label.',
  },
  MINOR_SAFETY: {
    title: 'Minor safety',
    description: 'Content or conduct that endangers or sexualises minors, or contacts minors outside platform tools.',
    points: 10,
    sources: ['VIDEO', 'LIVE_SESSION'],
    exampleNote: 'Children featured in an inappropriate try-on video.',
  },
  HARASSMENT_AND_HATE: {
    title: 'Harassment and hateful conduct',
    description:
      'Abusing, threatening or exposing buyers, creators or competitors, and hateful speech about protected groups.',
    points: 8,
    sources: ['LIVE_SESSION', 'OTHER'],
    exampleNote: 'Host insulted a buyer by name after a negative review.',
  },
  BUYER_DATA_MISUSE: {
    title: 'Misuse of buyer personal data',
    description:
      'Using buyer names, addresses or phone numbers for anything other than fulfilling and supporting the order.',
    points: 6,
    sources: ['OTHER'],
    exampleNote: 'Buyers received promotional messages on WhatsApp using order phone numbers.',
  },
};

export function educationUrl(code: PolicyCode): string {
  return `https://seller-academy.example.com/policies/${code.toLowerCase().replace(/_/g, '-')}`;
}

export interface SeededPolicy {
  id: number;
  code: PolicyCode;
  points: number;
}

export type PolicyIndex = Map<PolicyCode, SeededPolicy>;

export async function seedPolicies(tx: Prisma.TransactionClient, createdAt: Date): Promise<PolicyIndex> {
  const rows = await tx.policy.createManyAndReturn({
    data: POLICY_CODES.map((code) => ({
      code,
      title: POLICIES[code].title,
      description: POLICIES[code].description,
      defaultPoints: POLICIES[code].points,
      educationUrl: educationUrl(code),
      createdAt,
    })),
    select: { id: true, code: true, defaultPoints: true },
  });
  const index: PolicyIndex = new Map();
  for (const r of rows)
    index.set(r.code as PolicyCode, { id: r.id, code: r.code as PolicyCode, points: r.defaultPoints });

  const quizzes = await tx.quiz.createManyAndReturn({
    data: POLICY_CODES.map((code) => ({
      policyId: policyOf(index, code).id,
      title: QUIZZES[code].title,
      description: QUIZZES[code].description,
      createdAt,
    })),
    select: { id: true, policyId: true },
  });
  const quizByPolicyId = new Map(quizzes.map((q) => [q.policyId, q.id]));
  await tx.quizQuestion.createMany({
    data: POLICY_CODES.flatMap((code) => {
      const quizId = quizByPolicyId.get(policyOf(index, code).id);
      if (quizId === undefined) throw new Error(`Quiz for ${code} was not returned`);
      return QUIZZES[code].questions.map((q, position) => ({
        quizId,
        position: position + 1,
        prompt: q.prompt,
        choices: q.choices,
        correctIndex: q.correctIndex,
        explanation: q.explanation,
      }));
    }),
  });
  return index;
}

export function policyOf(index: PolicyIndex, code: PolicyCode): SeededPolicy {
  const p = index.get(code);
  if (!p) throw new Error(`Unknown policy ${code}`);
  return p;
}
