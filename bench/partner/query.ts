/** The partner read of issue 8: 20 shops × their first 10 listings × their latest violations. */
export const PARTNER_READ = { shops: 20, listings: 10, violations: 5 } as const;

/** Our API's operation (ids are global IDs). */
export const API_QUERY = `query PartnerRead {
  shops(first: ${PARTNER_READ.shops}) { edges { node {
    id name status healthStatus
    listings(first: ${PARTNER_READ.listings}) { edges { node { id title status price { minorUnits currencyCode } } } }
    violations(first: ${PARTNER_READ.violations}) { edges { node { id source points occurredAt } } }
  } } }
}`;

/** The same logical query against PostGraphile 5 (amber preset) over the same tables. */
export const POSTGRAPHILE_QUERY = `query PartnerRead {
  allShops(first: ${PARTNER_READ.shops}, orderBy: PRIMARY_KEY_ASC) { edges { node {
    id name status healthStatus
    listingsByShopId(first: ${PARTNER_READ.listings}, orderBy: PRIMARY_KEY_ASC) { edges { node { id title status priceAmount currency } } }
    violationsByShopId(first: ${PARTNER_READ.violations}, orderBy: [OCCURRED_AT_DESC, PRIMARY_KEY_DESC]) { edges { node { id source points occurredAt } } }
  } } }
}`;
