/**
 * Bulk review. Runs bench/bulk-review.bench.ts (issue 8's 10,000 listings against a raw multi-row
 * update and the createMany path) once it exists; until then the 250-item synchronous
 * `listingBulkReview` benchmark, bench/listings.bench.ts. Both are standalone scripts run through
 * `scriptScenario` (lib/scenario.ts documents the environment they get).
 */
import { scriptScenario } from '../lib/scenario.ts';

export default scriptScenario({
  name: 'bulk-review',
  title: 'Bulk review',
  measures: 'listings reviewed per second through the API against a raw multi-row SQL update of the same rows',
  databases: ['postgres', 'pglite'],
  usesBenchDatabase: false,
  scripts: ['bulk-review.bench.ts', 'listings.bench.ts'],
});
