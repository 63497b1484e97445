/**
 * A mutation: `listingUpdate` of a DRAFT or REJECTED listing's title, another listing and title every
 * request, re-reading the listing in the payload; beside PostGraphile's `updateListingByRowId`.
 */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { must } from '../lib/must.ts';
import { compareRead } from '../lib/read.ts';
import { benchDb, type Scenario } from '../lib/scenario.ts';

const API_QUERY = `mutation ListingUpdate($id: ID!, $title: String!) {
  listingUpdate(input: { listingId: $id, title: $title }) {
    __typename
    ... on ListingUpdateSuccess { listing { id title status } }
    ... on Error { code message }
  }
}`;

const POSTGRAPHILE_QUERY = `mutation ListingUpdate($id: Int!, $title: String!) {
  updateListingByRowId(input: { rowId: $id, listingPatch: { title: $title } }) { listing { id rowId title status } }
}`;

const scenario: Scenario = {
  name: 'listing-update',
  title: 'A listing update (mutation)',
  measures:
    '`listingUpdate` of another DRAFT or REJECTED listing every request (its title), the listing re-read in the payload, as the admin; beside PostGraphile’s `updateListingByRowId`',
  databases: ['postgres'],
  usesBenchDatabase: true,
  async run(ctx) {
    const db = benchDb(ctx);
    const ids = (
      await db.query<{ id: number }>(`SELECT id FROM "Listing" WHERE status IN ('DRAFT', 'REJECTED') ORDER BY id`)
    ).map((r) => Number(r.id));
    const at = (i: number) => must(ids[(i * 7919) % ids.length], 'an editable listing');
    const title = (i: number) => `Bench title ${i}`;
    return compareRead(ctx, {
      description: `\`listingUpdate\` (title only, no expected version) of the next of ${ids.length.toLocaleString('en')} DRAFT or REJECTED listings (stride 7,919), with \`listing { id title status }\` in the payload; demo admin key. Ours also checks the shop's reach, the fields and the status, writes a \`listing.updated\` event in the same transaction, and an audit record. PostGraphile: \`updateListingByRowId\` with a \`listingPatch\`.`,
      api: {
        query: API_QUERY,
        apiKey: DEMO_KEYS.admin,
        vary: (i) => ({ id: Buffer.from(`Listing:${at(i)}`).toString('base64'), title: title(i) }),
      },
      postgraphile: {
        query: POSTGRAPHILE_QUERY,
        vary: (i) => ({ id: at(i), title: title(i) }),
        rows: {
          ours: (data) =>
            Number(
              Buffer.from((data as { listingUpdate: { listing: { id: string } } }).listingUpdate.listing.id, 'base64')
                .toString()
                .split(':')[1],
            ),
          theirs: (data) =>
            (data as { updateListingByRowId: { listing: { rowId: number } } }).updateListingByRowId.listing.rowId,
        },
      },
      verify: (data) => {
        const r = (data as { listingUpdate: { __typename: string; code?: string } }).listingUpdate;
        return r.__typename === 'ListingUpdateSuccess' ? undefined : `listingUpdate answered ${r.__typename} ${r.code}`;
      },
    });
  },
};
export default scenario;
