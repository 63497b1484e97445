import type { HealthStatus, ShopStatus, ViolationSource, ViolationStatus } from '../generated/prisma/client';
import type { SeedContext, Tx } from './context';
import type { SeededListing } from './listings';
import type { SeededOrder } from './orders';
import { POLICIES, POLICY_CODES, policyOf, type PolicyCode, type PolicyIndex } from './policies';
import { createRandom, seedFrom, type Random } from './random';
import { statusFor, type SeededShop, type ShopProfile } from './shops';
import { addDays, addHours, addMs, DAY_MS, minDate } from './time';

export interface PlannedViolation {
  /** Unique across the seed; content items are attached by it. */
  key: string;
  policy: PolicyCode;
  source: ViolationSource;
  occurredAt: Date;
  points: number;
  status: ViolationStatus;
  note: string;
  appeal: string | null;
}

export interface PlannedStatusChange {
  fromStatus: ShopStatus;
  toStatus: ShopStatus;
  fromHealth: HealthStatus;
  toHealth: HealthStatus;
  balance: number;
  reason: string;
  occurredAt: Date;
}

export interface ShopViolationPlan {
  violations: PlannedViolation[];
  changes: PlannedStatusChange[];
}

/** Active-points band per target health, and the most expired points allowed so no intermediate balance crosses the next threshold. */
const BANDS: Record<HealthStatus, { min: number; max: number; expiredCap: number }> = {
  HEALTHY: { min: 3, max: 7, expiredCap: 4 },
  AT_RISK: { min: 13, max: 18, expiredCap: 4 },
  RESTRICTED: { min: 26, max: 38, expiredCap: 6 },
  SUSPENDED: { min: 50, max: 62, expiredCap: 6 },
};

const SOURCE_WEIGHTS: [ViolationSource, number][] = [
  ['LIVE_SESSION', 3],
  ['VIDEO', 3],
  ['LISTING', 3],
  ['ORDER', 2],
  ['OTHER', 1],
];

export function healthFor(balance: number, ctx: SeedContext): HealthStatus {
  const s = ctx.settings;
  if (balance >= s.suspendedThreshold) return 'SUSPENDED';
  if (balance >= s.restrictedThreshold) return 'RESTRICTED';
  if (balance >= s.atRiskThreshold) return 'AT_RISK';
  return 'HEALTHY';
}

export function planViolations(profiles: ShopProfile[], ctx: SeedContext): Map<number, ShopViolationPlan> {
  const plans = new Map<number, ShopViolationPlan>();
  let appealPlaced = false;
  for (const p of profiles) {
    if (p.health === 'HEALTHY' && !p.minorViolations) continue;
    const rng = createRandom(seedFrom('violations', p.index));
    const drafts = p.index === 0 ? demoSellerViolations(ctx) : randomViolations(rng, p, ctx);
    drafts.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    const violations = drafts.map((d, i): PlannedViolation => {
      const expired = d.occurredAt.getTime() + ctx.settings.pointExpiryDays * DAY_MS <= ctx.now.getTime();
      return {
        key: `${p.index}-${i}`,
        policy: d.policy,
        source: d.source,
        occurredAt: d.occurredAt,
        points: POLICIES[d.policy].points,
        status: expired ? 'EXPIRED' : 'ACTIVE',
        note: POLICIES[d.policy].exampleNote,
        appeal: null,
      };
    });
    // One contested violation, so the admin appeal queue is not empty.
    if (p.health === 'AT_RISK') {
      const last = [...violations].reverse().find((v) => v.status === 'ACTIVE');
      if (last && !appealPlaced) {
        appealPlaced = true;
        last.status = 'APPEALED';
        last.appeal =
          'The product was shown with its certified label; we believe the reviewer missed it. We attach the certificate and the full recording.';
      }
    }
    const changes = statusChanges(violations, ctx);
    const finalHealth = changes.at(-1)?.toHealth ?? 'HEALTHY';
    if (finalHealth !== p.health)
      throw new Error(`Violation plan for ${p.name} ends ${finalHealth}, expected ${p.health}`);
    plans.set(p.index, { violations, changes });
  }
  return plans;
}

interface Draft {
  policy: PolicyCode;
  source: ViolationSource;
  occurredAt: Date;
}

/** Shop 1 has one active video violation so the quiz demo removes a point. */
function demoSellerViolations(ctx: SeedContext): Draft[] {
  return [
    { policy: 'INACCURATE_LISTING', source: 'LISTING', occurredAt: addHours(addDays(ctx.now, -104), -5) },
    { policy: 'LATE_DISPATCH', source: 'ORDER', occurredAt: addHours(addDays(ctx.now, -44), -3) },
    { policy: 'MISLEADING_CLAIMS', source: 'VIDEO', occurredAt: addHours(addDays(ctx.now, -19), -7) },
  ];
}

function randomViolations(rng: Random, p: ShopProfile, ctx: SeedContext): Draft[] {
  const band = BANDS[p.health];
  const drafts: Draft[] = [];
  let active = 0;
  while (active < band.min) {
    const remaining = band.max - active;
    const source = rng.weighted(SOURCE_WEIGHTS);
    const severeFirst = p.health === 'SUSPENDED';
    let candidates = POLICY_CODES.filter(
      (c) => POLICIES[c].sources.includes(source) && POLICIES[c].points <= remaining,
    );
    if (candidates.length === 0) candidates = POLICY_CODES.filter((c) => POLICIES[c].points <= remaining);
    const policy = rng.weighted(candidates.map((c) => [c, severeFirst ? POLICIES[c].points : 1] as const));
    const pickedSource = POLICIES[policy].sources.includes(source) ? source : rng.pick(POLICIES[policy].sources);
    drafts.push({ policy, source: pickedSource, occurredAt: randomInstant(rng, ctx.now, 85, 1) });
    active += POLICIES[policy].points;
  }
  let expired = 0;
  for (let i = rng.int(0, 2); i > 0; i--) {
    const candidates = POLICY_CODES.filter((c) => POLICIES[c].points <= band.expiredCap - expired);
    if (candidates.length === 0) break;
    const policy = rng.pick(candidates);
    drafts.push({
      policy,
      source: rng.pick(POLICIES[policy].sources),
      occurredAt: randomInstant(rng, ctx.now, 120, 92),
    });
    expired += POLICIES[policy].points;
  }
  return drafts;
}

function randomInstant(rng: Random, now: Date, fromDaysAgo: number, toDaysAgo: number): Date {
  const ms = rng.float(toDaysAgo, fromDaysAgo) * DAY_MS;
  return new Date(Math.floor((now.getTime() - ms) / 1000) * 1000);
}

/** Replays additions and expiries in time order and records every change of health. */
function statusChanges(violations: PlannedViolation[], ctx: SeedContext): PlannedStatusChange[] {
  const expiryMs = ctx.settings.pointExpiryDays * DAY_MS;
  const events: { at: number; delta: number }[] = [];
  for (const v of violations) {
    events.push({ at: v.occurredAt.getTime(), delta: v.points });
    const expiresAt = v.occurredAt.getTime() + expiryMs;
    if (expiresAt <= ctx.now.getTime()) events.push({ at: expiresAt, delta: -v.points });
  }
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const changes: PlannedStatusChange[] = [];
  let balance = 0;
  let health: HealthStatus = 'HEALTHY';
  for (const e of events) {
    balance += e.delta;
    const next = healthFor(balance, ctx);
    if (next === health) continue;
    const threshold = {
      HEALTHY: 0,
      AT_RISK: ctx.settings.atRiskThreshold,
      RESTRICTED: ctx.settings.restrictedThreshold,
      SUSPENDED: ctx.settings.suspendedThreshold,
    }[next];
    changes.push({
      fromStatus: statusFor(health),
      toStatus: statusFor(next),
      fromHealth: health,
      toHealth: next,
      balance,
      reason:
        e.delta > 0
          ? `Points balance reached ${balance} (${next.toLowerCase().replace('_', ' ')} threshold ${threshold})`
          : `Points expired; balance fell to ${balance}`,
      occurredAt: new Date(e.at),
    });
    health = next;
  }
  return changes;
}

/** The shop status in force at `at`, from the planned changes. */
export function statusAt(plan: ShopViolationPlan | undefined, at: Date): ShopStatus {
  let status: ShopStatus = 'ACTIVE';
  for (const c of plan?.changes ?? []) if (c.occurredAt <= at) status = c.toStatus;
  return status;
}

export interface ViolationCounts {
  violations: number;
  ledgerEntries: number;
  statusChanges: number;
  appeals: number;
}

export async function seedViolations(
  tx: Tx,
  ctx: SeedContext,
  shops: SeededShop[],
  plans: Map<number, ShopViolationPlan>,
  policies: PolicyIndex,
  contentItemIds: Map<string, number>,
  listings: Map<number, SeededListing[]>,
  orders: Map<number, SeededOrder[]>,
  adminKeyId: number,
): Promise<ViolationCounts> {
  const rows: {
    key: string;
    shopId: number;
    v: PlannedViolation;
    listingId: number | null;
    orderId: number | null;
    contentItemId: number | null;
  }[] = [];
  for (const shop of shops) {
    const plan = plans.get(shop.profile.index);
    if (!plan) continue;
    for (const v of plan.violations) {
      const contentItemId = contentItemIds.get(v.key) ?? null;
      const listingId =
        v.source === 'LISTING'
          ? (latestBefore(listings.get(shop.id) ?? [], v.occurredAt, (l) => l.submittedAt)?.id ?? null)
          : null;
      const orderId =
        v.source === 'ORDER'
          ? (latestBefore(orders.get(shop.id) ?? [], v.occurredAt, (o) => o.placedAt)?.id ?? null)
          : null;
      if ((v.source === 'LIVE_SESSION' || v.source === 'VIDEO') && contentItemId === null)
        throw new Error(`Content violation ${v.key} has no content item`);
      rows.push({ key: v.key, shopId: shop.id, v, listingId, orderId, contentItemId });
    }
  }
  const created = await tx.violation.createManyAndReturn({
    data: rows.map((r) => ({
      shopId: r.shopId,
      policyId: policyOf(policies, r.v.policy).id,
      // A listing or order that cannot be found is still a violation, recorded without its reference.
      source:
        (r.v.source === 'LISTING' && r.listingId === null) || (r.v.source === 'ORDER' && r.orderId === null)
          ? ('OTHER' as const)
          : r.v.source,
      contentItemId: r.contentItemId,
      listingId: r.listingId,
      orderId: r.orderId,
      occurredAt: r.v.occurredAt,
      points: r.v.points,
      status: r.v.status,
      note: r.v.note,
      recordedByApiKeyId: adminKeyId,
      createdAt: addMs(r.v.occurredAt, 2 * 3_600_000),
    })),
    select: { id: true, shopId: true, occurredAt: true, policyId: true },
  });
  const idByKey = new Map(created.map((c) => [`${c.shopId}:${c.policyId}:${c.occurredAt.toISOString()}`, c.id]));
  const withIds = rows.map((r) => {
    const id = idByKey.get(`${r.shopId}:${policyOf(policies, r.v.policy).id}:${r.v.occurredAt.toISOString()}`);
    if (id === undefined) throw new Error(`Violation ${r.key} was not returned`);
    return { ...r, id };
  });
  if (idByKey.size !== rows.length) throw new Error('Violation keys are not unique');

  await tx.pointsLedgerEntry.createMany({
    data: withIds.map((r) => ({
      shopId: r.shopId,
      policyId: policyOf(policies, r.v.policy).id,
      violationId: r.id,
      kind: 'VIOLATION_ADDED' as const,
      points: r.v.points,
      effectiveAt: r.v.occurredAt,
      expiresAt: addDays(r.v.occurredAt, ctx.settings.pointExpiryDays),
      createdAt: addMs(r.v.occurredAt, 2 * 3_600_000),
    })),
  });

  const appeals = withIds.filter((r) => r.v.appeal !== null);
  await tx.violationAppeal.createMany({
    data: appeals.map((r) => ({
      violationId: r.id,
      statement: r.v.appeal ?? '',
      status: 'PENDING' as const,
      createdAt: minDate(addDays(r.v.occurredAt, 1), ctx.now),
    })),
  });

  const changes = shops.flatMap((s) =>
    (plans.get(s.profile.index)?.changes ?? []).map((c) => ({ shopId: s.id, ...c, createdAt: c.occurredAt })),
  );
  await tx.shopStatusChange.createMany({ data: changes });
  return {
    violations: rows.length,
    ledgerEntries: withIds.length,
    statusChanges: changes.length,
    appeals: appeals.length,
  };
}

function latestBefore<T>(items: T[], at: Date, time: (item: T) => Date | null): T | undefined {
  let best: T | undefined;
  let bestTime = -Infinity;
  for (const item of items) {
    const t = time(item)?.getTime();
    if (t !== undefined && t <= at.getTime() && t > bestTime) {
      best = item;
      bestTime = t;
    }
  }
  return best;
}
