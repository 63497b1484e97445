/**
 * A seller confirms its primary category: read the questionnaire, check which top-level
 * categories the shop may use, select one, and branch on typed errors.
 *
 *   SHOPWARDEN_API_KEY=sw_sel_demo… npx tsx packages/sdk/examples/select-primary-category.ts 'Beauty & Personal Care'
 */
import { pathToFileURL } from 'node:url';
// In your project: import { createShopWardenClient, isError, isSuccess, type FetchLike } from '@shopwarden/sdk';
import { createShopWardenClient, isError, isSuccess, type FetchLike } from '../src/index.ts';

export interface SelectPrimaryCategoryOptions {
  url: string;
  apiKey: string;
  /** The top-level category to select, by name. */
  categoryName: string;
  fetch?: FetchLike;
  print?: (line: string) => void;
}

export async function selectPrimaryCategory({
  url,
  apiKey,
  categoryName,
  fetch,
  print = console.log,
}: SelectPrimaryCategoryOptions) {
  const client = createShopWardenClient({ url, apiKey, fetch });

  const shop = (await client.access.viewer())?.shop;
  if (!shop) throw new Error('Use a SELLER key: it acts for one shop.');

  const campaign = await client.categories.campaign();
  print(`Campaign phase ${campaign.phase}; confirm before ${campaign.confirmDeadline}`);

  const topLevel = new Map<string, string>();
  for await (const category of client.categories.paginate()) topLevel.set(category.name, category.id);
  const categoryId = topLevel.get(categoryName);
  if (!categoryId)
    throw new Error(`No top-level category named ${categoryName}; try one of: ${[...topLevel.keys()].join(', ')}.`);

  const eligibility = await client.shops.categoryEligibility({ id: shop.id, categoryIds: [categoryId] });
  const verdict = eligibility?.categoryEligibility[0];
  print(`${categoryName}: ${verdict?.status} (${verdict?.reason})`);

  const answers = campaign.questionnaire
    .filter((q) => q.required)
    .map((q) => ({
      key: q.key,
      answer: q.key === 'category_share' ? '80' : q.key === 'policy_acknowledged' ? 'yes' : 'Serums and cleansers',
    }));
  const result = await client.shops.selectPrimaryCategory({ input: { shopId: shop.id, categoryId, answers } });

  if (isSuccess(result)) {
    print(`${result.shop.name} now sells in ${result.shop.primaryCategory?.name} (${result.selection.source})`);
    return { outcome: 'SELECTED' as const, primaryCategory: result.shop.primaryCategory?.name ?? null };
  }
  if (isError(result, 'VALIDATION_FAILED')) {
    for (const field of result.fields) print(`invalid ${field.path.join('.')}: ${field.message}`);
    return { outcome: result.code, primaryCategory: null };
  }
  if (isError(result, 'PRIMARY_CATEGORY_ALREADY_SET')) {
    print(`Already set: ${result.message} Ask an administrator to change it.`);
    return { outcome: result.code, primaryCategory: null };
  }
  print(`Refused (${result.code}): ${result.message}`);
  return { outcome: result.code, primaryCategory: null };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await selectPrimaryCategory({
    url: process.env.SHOPWARDEN_URL ?? 'http://localhost:4000/graphql',
    apiKey: process.env.SHOPWARDEN_API_KEY ?? '',
    categoryName: process.argv[2] ?? 'Beauty & Personal Care',
  });
}
