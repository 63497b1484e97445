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
`;
