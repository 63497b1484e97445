/**
 * Your own documents: `client.request` returns `{ data, errors, extensions }` as the server
 * sent them. Cast a string to `TypedDocumentString` to get typed results and variables, and
 * iterate any connection with `client.paginate`.
 *
 *   SHOPWARDEN_API_KEY=sw_adm_demo… npx tsx packages/sdk/examples/custom-document.ts
 */
import { pathToFileURL } from 'node:url';
// In your project: import { createShopWardenClient, type FetchLike, type HealthStatus, type TypedDocumentString } from '@shopwarden/sdk';
import {
  createShopWardenClient,
  type ClientLogEvent,
  type FetchLike,
  type HealthStatus,
  type TypedDocumentString,
} from '../src/index.ts';

interface ShopHealthQuery {
  shops: {
    edges: { node: { id: string; name: string; healthStatus: HealthStatus } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
const ShopHealth = /* GraphQL */ `
  query ShopHealth($first: Int, $after: String) {
    shops(first: $first, after: $after) {
      edges { node { id name healthStatus } }
      pageInfo { hasNextPage endCursor }
    }
  }
` as TypedDocumentString<ShopHealthQuery, { first?: number; after?: string | null }>;

export async function customDocument({
  url,
  apiKey,
  fetch,
  print = console.log,
}: {
  url: string;
  apiKey: string;
  fetch?: FetchLike;
  print?: (line: string) => void;
}) {
  const events: ClientLogEvent[] = [];
  const client = createShopWardenClient({ url, apiKey, fetch, logger: (event) => events.push(event) });

  const { data, errors, extensions } = await client.request(ShopHealth, { first: 3 });
  if (errors) throw new Error(errors.map((e) => e.message).join('; '));
  print(`first page: ${data?.shops.edges.map((e) => `${e.node.name} ${e.node.healthStatus}`).join(', ')}`);
  print(`cost ${extensions?.cost?.requestedQueryCost} of at most ${extensions?.cost?.maximumCost}`);

  const counts: Partial<Record<HealthStatus, number>> = {};
  for await (const shop of client.paginate(ShopHealth, { first: 2 }, (d) => d.shops))
    counts[shop.healthStatus] = (counts[shop.healthStatus] ?? 0) + 1;
  print(`health: ${JSON.stringify(counts)}`);

  // An untyped string works too; top-level errors come back in `errors` rather than being thrown.
  const bad = await client.request('{ shops { nope } }');
  print(`invalid document: ${bad.errors?.[0]?.message}`);

  return {
    counts,
    requests: events.filter((e) => e.type === 'request').length,
    invalidDocumentError: bad.errors?.[0]?.message ?? null,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await customDocument({
    url: process.env.SHOPWARDEN_URL ?? 'http://localhost:4000/graphql',
    apiKey: process.env.SHOPWARDEN_API_KEY ?? '',
  });
}
