/** Operations preloaded as GraphiQL tabs: a tour of the API on the seeded demo data. */
export const exampleOperations = `# Welcome to ShopWarden. Demo keys are in the Headers tab; swap them to act as another role.

query Me {
  viewer { role scopes shop { id name } account { name } }
}

query CategoryCampaign {
  categorySelectionCampaign {
    phase now enforcementAt confirmDeadline lookbackStart lookbackEnd
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

mutation SelectPrimaryCategory($shopId: ID!, $categoryId: ID!) {
  shopSelectPrimaryCategory(input: {
    shopId: $shopId
    categoryId: $categoryId
    answers: [
      { key: "main_products", answer: "Skincare and make-up" }
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

# Administrators: step past the deadline, preview, then run auto-assignment.
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

# Listings: the administrator's review queue, oldest submission first.
query ReviewQueue {
  listingReviewQueue(first: 10) {
    edges { node { id title status submittedAt price { amount currencyCode } category { name } shop { name } latestReview { decision reasons { code message } } } }
  }
}

# Account health: the weekly report of a shop (use a shop id from ShopsWithoutPrimaryCategory).
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

# Influencer matching: creators ranked for a shop, each score with the reasons that make it up
# (docs/creators-and-partnerships.md has the formula). Shop 1 is the demo seller's.
query CreatorMatches($shopId: ID! = "U2hvcDox") {
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

# Seller events with their seats.
query UpcomingEvents {
  events(first: 5) { edges { node { id title city startsAt capacity seatsLeft waitlistCount } } }
}

# Bulk work: up to 10,000 lines of JSONL, one mutation input per line (ids from ReviewQueue).
mutation BulkApprove($lines: String = "{\\"listingId\\":\\"TGlzdGluZzox\\",\\"decision\\":\\"APPROVE\\"}") {
  bulkOperationRun(input: { mutation: LISTING_REVIEW, lines: $lines }) {
    __typename
    ... on BulkOperationRunSuccess { bulkOperation { id status lineCount } }
    ... on Error { code message }
  }
}

query MyBulkOperations {
  bulkOperations(first: 5) { edges { node { id mutation status progress succeededCount failedCount result } } }
}

# Told when your bulk operations finish (Server-Sent Events): run it, then submit from another window.
subscription BulkOperationsFinishing {
  bulkOperationFinished { id mutation status succeededCount failedCount finishedAt }
}
`;
