import type { ListingStatus, PrismaClient } from '@shopwarden/db';
import { createKey, createShop } from './fixtures.ts';
import { gid } from './client.ts';

/** A listing written straight to the database (for states the API reaches only through several calls). */
export async function createListingRow(
  prisma: PrismaClient,
  shopId: number,
  categoryId: number,
  opts: {
    title?: string;
    status?: ListingStatus;
    priceAmount?: number;
    sites?: string[];
    submittedAt?: Date | null;
    version?: number;
  } = {},
) {
  return prisma.listing.create({
    data: {
      shopId,
      categoryId,
      title: opts.title ?? 'Test listing',
      priceAmount: opts.priceAmount ?? 1999,
      currency: 'USD',
      sites: opts.sites ?? ['GB'],
      status: opts.status ?? 'DRAFT',
      submittedAt:
        opts.submittedAt ?? (opts.status && opts.status !== 'DRAFT' ? new Date('2024-03-01T00:00:00Z') : null),
      version: opts.version ?? 0,
    },
  });
}

/** Rows per statement: up to 16 columns × 2000 stays under 32,767 bind parameters, past which Prisma splits it (prisma/orm#29646). */
const ROWS_PER_STATEMENT = 2000;

/** Many listings, in as few statements as the bind-parameter limit allows; returns their ids in creation order. */
export async function createListingRows(
  prisma: PrismaClient,
  shopId: number,
  categoryId: number,
  count: number,
  opts: { status?: ListingStatus; submittedAt?: Date } = {},
): Promise<number[]> {
  const status = opts.status ?? 'DRAFT';
  const ids: number[] = [];
  for (let start = 0; start < count; start += ROWS_PER_STATEMENT) {
    const rows = await prisma.listing.createManyAndReturn({
      data: Array.from({ length: Math.min(ROWS_PER_STATEMENT, count - start) }, (_, k) => {
        const i = start + k;
        return {
          shopId,
          categoryId,
          title: `Bulk listing ${i}`,
          priceAmount: 100 + i,
          currency: 'USD',
          sites: ['GB'],
          status,
          submittedAt:
            status === 'DRAFT'
              ? null
              : new Date((opts.submittedAt ?? new Date('2024-03-01T00:00:00Z')).getTime() + i * 1000),
        };
      }),
      select: { id: true },
    });
    ids.push(...rows.map((r) => r.id));
  }
  return ids.sort((a, b) => a - b);
}

/** A shop with a seller key (and its global ID). */
export async function sellerShop(
  prisma: PrismaClient,
  name: string,
  opts: { primaryCategoryId?: number | null; sites?: string[] } = {},
) {
  const shop = await createShop(prisma, name, opts);
  const { key, id: keyId } = await createKey(prisma, 'SELLER', { shopId: shop.id });
  return { shop, key, keyId, shopGid: gid('Shop', shop.id) };
}

/** Grants a shop a restricted-category approval directly. */
export async function grantRestricted(prisma: PrismaClient, shopId: number, categoryId: number) {
  return prisma.restrictedCategoryApproval.create({
    data: { shopId, categoryId, status: 'GRANTED', justification: 'fixture', decidedAt: new Date() },
  });
}

/** Grants a shop an approved special-circumstances exception for a category directly. */
export async function grantException(prisma: PrismaClient, shopId: number, categoryId: number) {
  const request = await prisma.categoryExceptionRequest.create({
    data: { shopId, comment: 'fixture', requestedCategoryIds: [categoryId], status: 'APPROVED', decidedAt: new Date() },
  });
  return prisma.categoryExceptionGrant.create({ data: { shopId, categoryId, requestId: request.id } });
}

export const LISTING_FIELDS = /* GraphQL */ `
  id title status version submittedAt sites
  price { amount currencyCode minorUnits }
  category { name }
  shop { name }
  latestReview { decision automatic reasons { code message } }
`;

export const CREATE = /* GraphQL */ `
  mutation Create($input: ListingCreateInput!) { listingCreate(input: $input) {
    __typename
    ... on ListingCreateSuccess { dryRun listing { ${LISTING_FIELDS} } }
    ... on Error { code message }
    ... on ValidationError { fields { path message } }
  } }`;

export const UPDATE = /* GraphQL */ `
  mutation Update($input: ListingUpdateInput!) { listingUpdate(input: $input) {
    __typename
    ... on ListingUpdateSuccess { dryRun listing { ${LISTING_FIELDS} } }
    ... on Error { code message }
    ... on ValidationError { fields { path message } }
  } }`;

export const SUBMIT = /* GraphQL */ `
  mutation Submit($input: ListingSubmitInput!) {
    listingSubmit(input: $input) {
      __typename
      ... on ListingSubmitSuccess {
        dryRun
        status
        issues {
          code
          message
        }
        listing {
          id
          status
          version
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`;

export const REVIEW = /* GraphQL */ `
  mutation Review($input: ListingReviewInput!) {
    listingReview(input: $input) {
      __typename
      ... on ListingReviewSuccess {
        dryRun
        status
        issues {
          code
          message
        }
        listing {
          id
          status
          version
        }
      }
      ... on Error {
        code
        message
      }
      ... on ValidationError {
        fields {
          path
          message
        }
      }
    }
  }
`;

export const BULK_SUBMIT = /* GraphQL */ `
  mutation BulkSubmit($input: ListingBulkSubmitInput!) {
    listingBulkSubmit(input: $input) {
      __typename
      ... on ListingBulkSubmitSuccess {
        dryRun
        errorPolicy
        appliedCount
        failedCount
        results {
          index
          state
          status
          issues {
            code
          }
          listing {
            id
            status
          }
          error {
            code
            message
          }
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`;

export const BULK_REVIEW = /* GraphQL */ `
  mutation BulkReview($input: ListingBulkReviewInput!) {
    listingBulkReview(input: $input) {
      __typename
      ... on ListingBulkReviewSuccess {
        dryRun
        errorPolicy
        appliedCount
        failedCount
        results {
          index
          state
          status
          issues {
            code
          }
          listing {
            id
            status
          }
          error {
            code
            message
          }
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`;

export const CLOCK = /* GraphQL */ `
  mutation Clock($now: DateTime) {
    sandboxClockSet(input: { now: $now }) {
      __typename
      ... on Error {
        code
      }
    }
  }
`;
