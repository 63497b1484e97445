import { insertRows } from './bulk-insert';
import { listOf, type CategoryIndex, type TopSlug } from './categories';
import { chunk, type SeedContext, type Site, type Tx } from './context';
import { feeId, type FeeIds } from './fees';
import { createRandom, seedFrom, type Random } from './random';
import type { ShopProfile, SeededShop } from './shops';
import { addMonths, addMs, lastFullMonth, maxDate, minDate, startOfMonth } from './time';

export interface PlannedFee {
  code: string;
  amount: number;
}

export interface PlannedOrder {
  externalId: string;
  /** USD cents. */
  amount: number;
  placedAt: Date;
  categoryId: number;
  fees: PlannedFee[];
}

/** Sales in the last full month of the near-miss shop: just under the USD 65,000 threshold. */
export const NEAR_MISS_LAST_MONTH_CENTS = 6_350_000;

const MIN_ORDER_CENTS = 299;
const SEASON: Record<number, number> = { 0: 0.9, 1: 0.92, 10: 1.3, 11: 1.45 };
const EU_SITES: Site[] = ['GB', 'DE', 'FR', 'ES', 'IT'];
const COD_SITES: Site[] = ['ID', 'MY', 'TH', 'VN', 'PH'];

interface Segment {
  start: Date;
  end: Date;
}

function subtract(segment: Segment, hole: Segment): Segment[] {
  const out: Segment[] = [];
  if (hole.start > segment.start) out.push({ start: segment.start, end: minDate(segment.end, hole.start) });
  if (hole.end < segment.end) out.push({ start: maxDate(segment.start, hole.end), end: segment.end });
  return out.filter((s) => s.end > s.start);
}

function monthlyBaseCents(p: ShopProfile, rng: Random): number {
  switch (p.scale) {
    case 'large':
      return rng.int(130_000, 160_000) * 100;
    case 'near-miss':
      return rng.int(118_000, 128_000) * 100;
    case 'medium':
      return rng.int(30, 45) * p.aovUsd * 100;
    case 'small':
      return rng.int(6, 14) * p.aovUsd * 100;
  }
}

function drawAmount(rng: Random, aovCents: number): number {
  const raw = Math.min(Math.max(rng.logNormal(aovCents, 0.45), aovCents * 0.2), aovCents * 4);
  return Math.max(MIN_ORDER_CENTS, Math.round(raw / 100) * 100 - 1);
}

/** Order amounts that add up to exactly `target` cents. */
function fillAmounts(rng: Random, target: number, aovCents: number): number[] {
  if (target < MIN_ORDER_CENTS) return [];
  const amounts: number[] = [];
  let sum = 0;
  while (sum < target) {
    const a = drawAmount(rng, aovCents);
    if (sum + a < target) {
      amounts.push(a);
      sum += a;
      continue;
    }
    const rest = target - sum;
    const lastIndex = amounts.length - 1;
    if (rest >= MIN_ORDER_CENTS || lastIndex < 0) amounts.push(rest);
    else amounts[lastIndex] = (amounts[lastIndex] ?? 0) + rest;
    sum = target;
  }
  return amounts;
}

function randomTime(rng: Random, segment: Segment): Date {
  const t = segment.start.getTime() + rng.next() * (segment.end.getTime() - segment.start.getTime());
  return new Date(Math.floor(t / 1000) * 1000);
}

function pickCategory(rng: Random, categories: CategoryIndex, top: TopSlug): number {
  const leaves = listOf(categories.openLeaves, top);
  if (leaves.length === 0 || rng.chance(0.04)) {
    const t = categories.top.get(top);
    if (!t) throw new Error(`Unknown top-level category ${top}`);
    return t.id;
  }
  return rng.pick(leaves).id;
}

function regularShares(p: ShopProfile): [TopSlug, number][] {
  if (p.lookback.kind === 'mix') return p.lookback.shares;
  return p.second
    ? [
        [p.home, 0.7],
        [p.second, 0.3],
      ]
    : [[p.home, 1]];
}

interface Draft {
  amount: number;
  placedAt: Date;
  categoryId: number;
}

/** Orders for every shop over the 14 months before `now` and in the category look-back window. */
export function planOrders(profiles: ShopProfile[], ctx: SeedContext, categories: CategoryIndex): PlannedOrder[][] {
  return profiles.map((p) => planShopOrders(p, ctx, categories));
}

function planShopOrders(p: ShopProfile, ctx: SeedContext, categories: CategoryIndex): PlannedOrder[] {
  const { now, settings } = ctx;
  const rng = createRandom(seedFrom('orders', p.index));
  const aovCents = p.aovUsd * 100;
  const base = monthlyBaseCents(p, rng);
  const growth = p.scale === 'large' || p.scale === 'near-miss' ? rng.float(0, 0.1) : rng.float(-0.1, 0.3);
  const noise = p.scale === 'large' || p.scale === 'near-miss' ? 0.05 : 0.1;
  const lookback: Segment = { start: settings.categoryLookbackStart, end: settings.categoryLookbackEnd };
  const windowStart = maxDate(addMonths(now, -14), p.createdAt);
  const lookbackWindow: Segment | null =
    p.lookback.kind === 'none'
      ? null
      : { start: maxDate(lookback.start, p.createdAt), end: minDate(lookback.end, now) };
  const lastMonth = lastFullMonth(now);
  const shares = regularShares(p);
  const drafts: Draft[] = [];
  const tie: { amount: number; segment: Segment }[][] = [[], []];
  const firstMonth = startOfMonth(
    lookbackWindow && lookbackWindow.start < windowStart ? lookbackWindow.start : windowStart,
  );

  for (let month = firstMonth; month < now; month = addMonths(month, 1)) {
    const monthEnd = addMonths(month, 1);
    const monthMs = monthEnd.getTime() - month.getTime();
    const monthsIn = Math.max(0, Math.round((month.getTime() - windowStart.getTime()) / (30.44 * 86_400_000)));
    const targetFor = (segment: Segment, withGrowth: boolean) => {
      const fraction = (segment.end.getTime() - segment.start.getTime()) / monthMs;
      if (p.scale === 'near-miss' && fraction === 1 && month.getTime() === lastMonth.start.getTime())
        return NEAR_MISS_LAST_MONTH_CENTS;
      const trend = withGrowth ? 1 + (growth * monthsIn) / 14 : 1;
      return Math.round(base * (SEASON[month.getUTCMonth()] ?? 1) * trend * rng.float(1 - noise, 1 + noise) * fraction);
    };

    const regular = { start: maxDate(month, windowStart), end: minDate(monthEnd, now) };
    for (const part of regular.end > regular.start ? subtract(regular, lookback) : []) {
      for (const amount of fillAmounts(rng, targetFor(part, true), aovCents)) {
        drafts.push({
          amount,
          placedAt: randomTime(rng, part),
          categoryId: pickCategory(rng, categories, rng.weighted(shares)),
        });
      }
    }

    if (!lookbackWindow) continue;
    const part = { start: maxDate(month, lookbackWindow.start), end: minDate(monthEnd, lookbackWindow.end) };
    if (part.end <= part.start) continue;
    const target = targetFor(part, false);
    const plan = p.lookback;
    if (plan.kind === 'mix') {
      const amounts = allocate(
        target,
        plan.shares.map(([, share]) => share),
      );
      plan.shares.forEach(([top], i) => {
        for (const amount of fillAmounts(rng, amounts[i] ?? 0, aovCents))
          drafts.push({ amount, placedAt: randomTime(rng, part), categoryId: pickCategory(rng, categories, top) });
      });
    } else if (plan.kind === 'tie') {
      const each = Math.round(target / 2);
      const first = fillAmounts(rng, each, Math.round(aovCents * 0.8));
      const second = plan.sameCount ? rng.shuffle(first) : fillAmounts(rng, each, Math.round(aovCents * 1.3));
      tie[0]?.push(...first.map((amount) => ({ amount, segment: part })));
      tie[1]?.push(...second.map((amount) => ({ amount, segment: part })));
    }
  }

  if (p.lookback.kind === 'tie') {
    const [first = [], second = []] = tie;
    if (!p.lookback.sameCount && first.length === second.length) splitLargest(second);
    p.lookback.categories.forEach((top, i) => {
      for (const { amount, segment } of i === 0 ? first : second)
        drafts.push({ amount, placedAt: randomTime(rng, segment), categoryId: pickCategory(rng, categories, top) });
    });
  }

  drafts.sort((x, y) => x.placedAt.getTime() - y.placedAt.getTime() || x.amount - y.amount);
  return drafts.map((d, seq) => ({
    externalId: `5764${String(p.index + 1).padStart(4, '0')}${String(seq + 1).padStart(10, '0')}`,
    amount: d.amount,
    placedAt: d.placedAt,
    categoryId: d.categoryId,
    fees: planFees(rng, p, d, categories),
  }));
}

/** Keeps the total but changes the count, so a tie on amount is broken by order count. */
function splitLargest(items: { amount: number; segment: Segment }[]): void {
  let largest = 0;
  items.forEach((item, i) => {
    if (item.amount > (items[largest]?.amount ?? 0)) largest = i;
  });
  const item = items[largest];
  if (!item || item.amount < 2 * MIN_ORDER_CENTS) return;
  const half = Math.floor(item.amount / 2);
  items.splice(
    largest,
    1,
    { amount: half, segment: item.segment },
    { amount: item.amount - half, segment: item.segment },
  );
}

/** Splits `total` by weights into integers that add up to exactly `total`. */
function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  const last = parts.length - 1;
  if (last >= 0) parts[last] = total - parts.slice(0, last).reduce((a, b) => a + b, 0);
  return parts;
}

function planFees(rng: Random, p: ShopProfile, order: Draft, categories: CategoryIndex): PlannedFee[] {
  const top = categories.topSpec.get(categories.topSlugOf(order.categoryId));
  const commissionBps = (top?.commissionBps ?? 700) + (p.scale === 'large' ? -50 : 0);
  const commission = Math.max(1, Math.round((order.amount * commissionBps) / 10_000));
  const processing = Math.max(1, Math.round(order.amount * 0.029) + 30);
  const lines: PlannedFee[] = [
    { code: 'COMMISSION', amount: commission },
    { code: 'PAYMENT_PROCESSING', amount: processing },
  ];
  const eu = p.sites.some((s) => EU_SITES.includes(s));
  const cod = p.sites.some((s) => COD_SITES.includes(s));
  const extras: [string, number, () => number][] = [
    ['SHIPPING_LABEL', 0.4, () => (order.amount > 30_000 ? rng.int(900, 2_400) : rng.int(320, 890))],
    ['AFFILIATE_COMMISSION', 0.22, () => Math.round((order.amount * rng.int(800, 2_000)) / 10_000)],
    ['ADVERTISING', 0.12, () => Math.round((order.amount * rng.int(300, 1_000)) / 10_000)],
    ['REFUND_ADMINISTRATION', 0.02, () => Math.round(commission * 0.2)],
  ];
  if (eu) extras.push(['VAT_ON_FEES', 0.5, () => Math.round((commission + processing) * 0.2)]);
  if (cod) extras.push(['CASH_ON_DELIVERY', 0.3, () => Math.round(order.amount * 0.02)]);
  for (const [code, probability, amount] of rng.shuffle(extras)) {
    if (lines.length >= 4) break;
    if (!rng.chance(probability)) continue;
    lines.push({ code, amount: Math.max(1, amount()) });
  }
  return lines;
}

export interface SeededOrder {
  id: number;
  placedAt: Date;
  amount: number;
}

const ORDER_CHUNK = 10_000;
const FEE_CHUNK = 20_000;

/** Inserts orders in chunks (one statement each), then their fee lines against the returned ids. */
export async function seedOrders(
  tx: Tx,
  shops: SeededShop[],
  planned: PlannedOrder[][],
  fees: FeeIds,
): Promise<{ byShopId: Map<number, SeededOrder[]>; orders: number; feeLines: number }> {
  const rows = shops.flatMap((s) => (planned[s.profile.index] ?? []).map((o) => ({ shopId: s.id, order: o })));
  const byShopId = new Map<number, SeededOrder[]>(shops.map((s) => [s.id, []]));
  const feeRows: { orderId: number; feeCategoryId: number; amount: number }[] = [];
  for (const part of chunk(rows, ORDER_CHUNK)) {
    const created = await insertRows(
      tx,
      'Order',
      {
        shopId: 'int',
        externalId: 'text',
        amount: 'int',
        currency: 'text',
        placedAt: 'timestamp(3)',
        categoryId: 'int',
        createdAt: 'timestamp(3)',
      },
      part.map(({ shopId, order }) => ({
        shopId,
        externalId: order.externalId,
        amount: order.amount,
        currency: 'USD',
        placedAt: order.placedAt,
        categoryId: order.categoryId,
        createdAt: addMs(order.placedAt, 90_000),
      })),
      ['id', 'shopId', 'externalId'],
    );
    const idByKey = new Map(created.map((c) => [`${c.shopId as number}:${c.externalId as string}`, c.id as number]));
    for (const { shopId, order } of part) {
      const id = idByKey.get(`${shopId}:${order.externalId}`);
      if (id === undefined) throw new Error(`Order ${order.externalId} of shop ${shopId} was not returned`);
      byShopId.get(shopId)?.push({ id, placedAt: order.placedAt, amount: order.amount });
      for (const fee of order.fees)
        feeRows.push({ orderId: id, feeCategoryId: feeId(fees, fee.code), amount: fee.amount });
    }
  }
  for (const part of chunk(feeRows, FEE_CHUNK))
    await insertRows(tx, 'OrderFeeLine', { orderId: 'int', feeCategoryId: 'int', amount: 'int' }, part);
  return { byShopId, orders: rows.length, feeLines: feeRows.length };
}
