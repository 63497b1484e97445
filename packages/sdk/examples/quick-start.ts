/**
 * Quick start: who am I, one page of shops, then every shop without a primary category.
 *
 *   SHOPWARDEN_API_KEY=sw_adm_demo… npx tsx packages/sdk/examples/quick-start.ts
 */
import { pathToFileURL } from 'node:url';
// In your project: import { createShopWardenClient, type FetchLike } from '@shopwarden/sdk';
import { createShopWardenClient, type FetchLike } from '../src/index.ts';

export interface ExampleOptions {
  url: string;
  apiKey: string;
  fetch?: FetchLike;
  print?: (line: string) => void;
}

export async function quickStart({ url, apiKey, fetch, print = console.log }: ExampleOptions) {
  const client = createShopWardenClient({ url, apiKey, fetch });

  const viewer = await client.access.viewer();
  print(
    `Signed in as ${viewer?.role} (${viewer?.apiKey.prefix}…), ${viewer?.reachableShopCount ?? 'all'} shops in reach`,
  );

  const firstPage = await client.shops.list({ first: 5 });
  for (const { node: shop } of firstPage.edges)
    print(`- ${shop.name} [${shop.status}] sells on ${shop.sites.join(', ')}`);

  // Every page, one shop at a time: the iterator follows pageInfo.endCursor.
  const undecided: string[] = [];
  for await (const shop of client.shops.paginate({ first: 50, filter: { hasPrimaryCategory: false } }))
    undecided.push(shop.name);
  print(`${undecided.length} shops still have no primary category`);

  return { role: viewer?.role ?? null, firstPage: firstPage.edges.map((e) => e.node.name), undecided };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await quickStart({
    url: process.env.SHOPWARDEN_URL ?? 'http://localhost:4000/graphql',
    apiKey: process.env.SHOPWARDEN_API_KEY ?? '',
  });
}
