/**
 * What an influencer-matching platform runs: find the best creators for a shop, propose a
 * partnership to the top one, and follow the answer. The shop's side uses a seller (or agency)
 * key; the creator's side is the partner app that represents the creator.
 *
 *   SHOP_KEY=sw_sel_demo… CREATOR_KEY=sw_ptn_demo… npx tsx packages/sdk/examples/influencer-matching.ts
 */
import { pathToFileURL } from 'node:url';
// In your project: import { createShopWardenClient, isError, isSuccess, type FetchLike } from '@shopwarden/sdk';
import { createShopWardenClient, isError, isSuccess, type FetchLike } from '../src/index.ts';

export interface InfluencerMatchingOptions {
  url: string;
  /** A seller key, or an agency key with partnerships:write on the shop. */
  shopKey: string;
  /** The partner app's key: it answers for the creators it represents. */
  creatorKey: string;
  /** The shop to find creators for; default: the seller key's own shop. */
  shopId?: string;
  /** Commission offered, in percent. @default 12.5 */
  commissionRate?: number;
  fetch?: FetchLike;
  print?: (line: string) => void;
}

export async function influencerMatching({
  url,
  shopKey,
  creatorKey,
  shopId,
  commissionRate = 12.5,
  fetch,
  print = console.log,
}: InfluencerMatchingOptions) {
  const shopSide = createShopWardenClient({ url, apiKey: shopKey, fetch });
  const creatorSide = createShopWardenClient({ url, apiKey: creatorKey, fetch });
  const shop = shopId ?? (await shopSide.access.viewer())?.shop?.id;
  if (!shop) throw new Error('Give a shop id, or use a SELLER key.');

  // 1. The creators the partner app represents, ranked for the shop (its reach applies on top).
  const represented = new Set<string>();
  for await (const creator of creatorSide.creators.paginate({ first: 100 })) represented.add(creator.id);
  let pick: { creatorId: string; handle: string; score: number } | null = null;
  for await (const match of shopSide.matching.paginateCreatorsForShop({ shopId: shop, first: 50 })) {
    const why = match.reasons.map((r) => `${r.code} ${r.points > 0 ? '+' : ''}${r.points}`).join(', ');
    print(`${match.score.toString().padStart(3)}  @${match.creator.handle} (${match.standing}): ${why}`);
    const open = match.reasons.some((r) => r.code === 'ALREADY_PARTNERED');
    if (!pick && !open && represented.has(match.creator.id))
      pick = { creatorId: match.creator.id, handle: match.creator.handle, score: match.score };
    if (pick) break;
  }
  if (!pick) {
    print('No represented creator without an open partnership ranks for this shop.');
    return { outcome: 'NO_MATCH' as const };
  }

  // 2. Propose. Typed errors narrow on `code`.
  const proposed = await shopSide.partnerships.propose({
    input: { shopId: shop, creatorId: pick.creatorId, commissionRate, message: 'Would you feature our bestsellers?' },
  });
  if (!isSuccess(proposed)) {
    if (isError(proposed, 'VALIDATION_FAILED'))
      for (const field of proposed.fields) print(`invalid ${field.path.join('.')}: ${field.message}`);
    else print(`Could not propose (${proposed.code}): ${proposed.message}`);
    return { outcome: proposed.code };
  }
  const partnership = proposed.partnership;
  print(`Proposed to @${pick.handle} at ${partnership.commissionRate} %; answer by ${partnership.expiresAt}`);

  // 3. The creator's side answers; the shop's side follows the status.
  const answered = await creatorSide.partnerships.accept({ input: { partnershipId: partnership.id } });
  if (!isSuccess(answered)) {
    print(`Not accepted (${answered.code}): ${answered.message}`);
    return { outcome: answered.code };
  }
  const followed = await shopSide.partnerships.get({ id: partnership.id });
  const status = followed && 'status' in followed ? followed.status : null;
  print(`@${pick.handle} answered: ${status}`);
  return { outcome: 'ACCEPTED' as const, partnershipId: partnership.id, status, score: pick.score };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await influencerMatching({
    url: process.env.SHOPWARDEN_URL ?? 'http://localhost:4000/graphql',
    shopKey: process.env.SHOP_KEY ?? '',
    creatorKey: process.env.CREATOR_KEY ?? '',
    shopId: process.env.SHOP_ID,
  });
}
