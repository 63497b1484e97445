import { DEMO_KEYS } from '@shopwarden/db/seed';
import type { GraphiQLOptions } from 'graphql-yoga';

/** One GraphiQL tour: the operations a demo role can run, with their variables filled from the demo data. */
export interface ExampleTab {
  role: keyof typeof DEMO_KEYS;
  operations: string;
  variables: Record<string, unknown>;
}

// Ids of the seeded demo data (packages/db/src/seed): shop 1 is the demo seller's, shop 4 one of the agency's shops
// without a primary category, category 2 Womenswear, listing 96 the oldest in the review queue.
const SELLER_SHOP = 'U2hvcDox';
const AGENCY_SHOP = 'U2hvcDo0';
const WOMENSWEAR = 'Q2F0ZWdvcnk6Mg==';
const QUEUED_LISTING = 'TGlzdGluZzo5Ng==';

const admin = `# Welcome to ShopWarden. This tour acts as the administrator: its demo key is in the Headers pane
# below. "act as" at the top opens the seller's, the agency's or the partner's tour with their key.
# Pick an operation from the ▶ button's menu: the Variables pane already holds the ids it needs.

query AdminTour {
  viewer { role scopes }
}

query CategoryCampaign {
  categorySelectionCampaign {
    phase now enforcementAt confirmDeadlineDay confirmDeadline lookbackStart lookbackEnd
    questionnaire { key prompt required }
  }
}

query ShopsWithoutPrimaryCategory {
  shops(first: 10, filter: { hasPrimaryCategory: false }) {
    edges { cursor node { id name sites status pendingActions { kind deadline overdue message } } }
    pageInfo { hasNextPage endCursor }
  }
}

query ShopEligibility($shopId: ID!) {
  shop(id: $shopId) {
    name
    primaryCategory { name }
    categoryEligibility { category { id name } status reasonCode reason }
  }
}

query CategoryTree {
  categories(first: 20) {
    edges { node { id name restriction children { id name restriction effectiveRestriction } } }
  }
}

# Step past the confirmation deadline, preview auto-assignment, then return to real time.
mutation MoveClockPastDeadline {
  sandboxClockSet(input: { now: "2024-02-08T00:00:00Z" }) {
    ... on SandboxClockSetSuccess { clock { now sandbox } }
    ... on Error { code message }
  }
}

mutation PreviewAutoAssignment {
  primaryCategoryAutoAssign(input: { dryRun: true }) {
    ... on PrimaryCategoryAutoAssignSuccess {
      assignedCount manualDecisionCount
      entries { shop { name } outcome category { name } figures { category { name } sales orderCount } }
    }
    ... on Error { code message }
  }
}

mutation BackToRealTime {
  sandboxClockSet(input: { now: null }) {
    ... on SandboxClockSetSuccess { clock { now sandbox } }
    ... on Error { code message }
  }
}

# Listings: the review queue, oldest submission first.
query ReviewQueue {
  listingReviewQueue(first: 10) {
    edges { node { id title status submittedAt price { amount currencyCode } category { name } shop { name } latestReview { decision reasons { code message } } } }
  }
}

# Account health: a shop's weekly report.
query WeeklyHealthReport($shopId: ID!) {
  shop(id: $shopId) {
    name healthStatus pointsBalance
    healthReport {
      weekStart weekEnd issued pointsAtStart pointsAtEnd pointsChange healthAtEnd
      byPolicy { code title count points }
      bySource { source count points }
      educationLinks { code url }
      quizzes { quizId title }
    }
  }
}

# Revenue tiers: where a shop stands and what the next tier needs.
query TierStanding($shopId: ID!) {
  shop(id: $shopId) {
    name fulfilmentMode
    tier { code name }
    metrics { lastMonthSales { amount currencyCode } trailingRevenue { amount currencyCode } }
    distanceToNextTier { tier { name } lastMonthSalesNeeded { amount } trailingRevenueNeeded { amount } }
  }
}

# Seller events with their seats.
query UpcomingEvents {
  events(first: 5) { edges { node { id title city startsAt capacity seatsLeft waitlistCount } } }
}

# Bulk work: up to 10,000 lines of JSONL, one mutation input per line (ids from ReviewQueue).
mutation BulkApprove($lines: String!) {
  bulkOperationRun(input: { mutation: LISTING_REVIEW, lines: $lines }) {
    __typename
    ... on BulkOperationRunSuccess { bulkOperation { id status lineCount } }
    ... on Error { code message }
  }
}

query MyBulkOperations {
  bulkOperations(first: 5) { edges { node { id mutation status progress succeededCount failedCount result } } }
}

# Told when your bulk operations finish (Server-Sent Events): run it, then run BulkApprove from another tab.
subscription BulkOperationsFinishing {
  bulkOperationFinished { id mutation status succeededCount failedCount finishedAt }
}
`;

const seller = `# The demo seller: the key of shop 1, Glow Theory Beauty, a US shop that has not chosen its
# primary category yet (the pending action below). Its key is in the Headers pane.

query SellerTour {
  viewer { role scopes shop { id name pendingActions { kind deadline overdue message } } }
}

query MyCategoryEligibility($shopId: ID!) {
  shop(id: $shopId) {
    primaryCategory { name }
    categoryEligibility { category { id name } status reasonCode reason }
  }
}

query MyListings($shopId: ID!) {
  shop(id: $shopId) {
    listings(first: 10) { edges { node { id title status price { amount currencyCode } latestReview { decision reasons { code } } } } }
  }
}

query MyHealthReport($shopId: ID!) {
  shop(id: $shopId) {
    healthStatus pointsBalance
    healthReport { weekStart weekEnd pointsChange healthAtEnd byPolicy { code title count points } quizzes { quizId title } }
  }
}

query MyTier($shopId: ID!) {
  shop(id: $shopId) {
    tier { code name }
    distanceToNextTier { tier { name } lastMonthSalesNeeded { amount } trailingRevenueNeeded { amount } }
  }
}
`;

const agency = `# The demo agency, Northwind Commerce Agency: it acts for the five shops that granted it access.
# Its key is in the Headers pane.

query AgencyTour {
  viewer { role scopes account { name } }
  shops(first: 10) { edges { node { id name sites primaryCategory { name } } } }
}

# Shop 4 (Sakura Street Style) has not chosen its primary category: choose Womenswear for it.
# It can happen once; run it again to see PRIMARY_CATEGORY_ALREADY_SET.
mutation SelectPrimaryCategory($shopId: ID!, $categoryId: ID!) {
  shopSelectPrimaryCategory(input: {
    shopId: $shopId
    categoryId: $categoryId
    answers: [
      { key: "main_products", answer: "Dresses and streetwear" }
      { key: "category_share", answer: "85" }
      { key: "policy_acknowledged", answer: "yes" }
    ]
  }) {
    __typename
    ... on ShopSelectPrimaryCategorySuccess { shop { primaryCategory { name } primaryCategorySetAt } }
    ... on Error { code message }
    ... on ValidationError { fields { path message } }
  }
}

query ShopsHealth {
  shops(first: 10) { edges { node { name healthStatus pointsBalance } } }
}
`;

const partner = `# The demo partner app, Matchlight Creator Platform: read access to eight shops, and the creators
# it represents. The key is in the Headers pane.

query PartnerTour {
  viewer { role scopes account { name } }
  shops(first: 10) { edges { node { id name primaryCategory { name } } } }
}

# Influencer matching: creators ranked for a shop, each score with the reasons that make it up
# (docs/creators-and-partnerships.md has the formula).
query CreatorMatches($shopId: ID!) {
  shop(id: $shopId) {
    name
    primaryCategory { name }
    creatorMatches(first: 10) {
      edges { node { score standing creator { id handle followerCount engagementRate compliance { points standing } } reasons { code points message } } }
      pageInfo { hasNextPage endCursor }
    }
    partnerships(first: 5) { edges { node { id status creatorHandle commissionRate expiresAt } } }
  }
}

query Creators {
  creators(first: 10) { edges { node { id handle displayName followerCount engagementRate } } }
}
`;

/** The tours, one per demo role; the administrator's opens first. */
export const exampleTabs: [ExampleTab, ...ExampleTab[]] = [
  {
    role: 'admin',
    operations: admin,
    variables: {
      shopId: SELLER_SHOP,
      lines: JSON.stringify({ listingId: QUEUED_LISTING, decision: 'APPROVE' }),
    },
  },
  { role: 'seller', operations: seller, variables: { shopId: SELLER_SHOP } },
  { role: 'agency', operations: agency, variables: { shopId: AGENCY_SHOP, categoryId: WOMENSWEAR } },
  { role: 'partner', operations: partner, variables: { shopId: SELLER_SHOP } },
];

const roleNames: Record<ExampleTab['role'], string> = {
  admin: 'Administrator',
  seller: 'Seller',
  agency: 'Agency',
  partner: 'Partner',
};

/**
 * GraphiQL opens on one role's tour (`?as=seller`; the administrator's by default) with that role's key in the
 * Headers pane and the ids in the Variables pane; links in the header switch role in one click.
 */
export function graphiqlOptions(request: Request, withDemoKeys: boolean): GraphiQLOptions {
  const params = new URL(request.url).searchParams;
  const tab = exampleTabs.find((t) => t.role === params.get('as')) ?? exampleTabs[0];
  const variables = JSON.stringify(tab.variables, null, 2);
  const headers = JSON.stringify(withDemoKeys ? { Authorization: `Bearer ${DEMO_KEYS[tab.role]}` } : {}, null, 2);
  const links = exampleTabs
    .map((t) =>
      t === tab
        ? `<b class="sw-role">${roleNames[t.role]}</b>`
        : `<a class="sw-role" href="?as=${t.role}" title="Open the ${roleNames[t.role].toLowerCase()}'s tour with its key">${roleNames[t.role]}</a>`,
    )
    .join(' ');
  return {
    title: withDemoKeys ? `ShopWarden GraphiQL <span class="sw-roles">act as ${links}</span>` : 'ShopWarden GraphiQL',
    headers,
    shouldPersistHeaders: true,
    // A link with ?query= opens that query; GraphiQL would otherwise replace it with the tour on a first visit.
    ...(params.has('query') ? {} : { defaultTabs: [{ query: tab.operations, variables, headers }], variables }),
  };
}

// Following a role link starts GraphiQL afresh: its stored tabs would otherwise win over the role's tour.
const freshStartForRoleLinks = `<script>
  if (new URLSearchParams(location.search).has('as')) {
    for (const key of Object.keys(localStorage)) if (key.startsWith('graphiql:')) localStorage.removeItem(key);
    history.replaceState(null, '', location.pathname);
  }
</script>
<style>
  .sw-roles { margin-left: 1.5em; font-size: 0.8em; font-weight: normal; }
  .sw-role { margin-left: 0.6em; }
  a.sw-role { color: hsl(var(--color-primary)); text-decoration: underline; }
</style>`;

/** Yoga's GraphiQL page with a plain-text <title> and the role links' start-afresh script. */
export async function renderTourGraphiQL(options: GraphiQLOptions): Promise<string> {
  // Loaded on the first page view: its 9 MB bundle would otherwise sit in every process's heap.
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  return renderGraphiQL(options)
    .replace(/<title>[\s\S]*?<\/title>/, '<title>ShopWarden GraphiQL</title>')
    .replace('<head>', `<head>${freshStartForRoleLinks}`);
}
