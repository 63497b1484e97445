/**
 * Webhook delivery (issue 24). Runs bench/webhooks.bench.ts: 10,000 committed outbox events
 * relayed and delivered to a local receiver by a started job runner, beside a raw bound (the same
 * signed POSTs sent by a plain loop), on a database of its own. Standalone script through
 * `scriptScenario` (lib/scenario.ts documents the environment it gets).
 */
import { scriptScenario } from '../lib/scenario.ts';

export default scriptScenario({
  name: 'webhooks',
  title: 'Webhook delivery',
  measures:
    'deliveries per second and the p50/p99 lag from commit to arrival of 10,000 events to a local receiver, beside a raw loop sending the same signed POSTs',
  databases: ['postgres', 'pglite'],
  usesBenchDatabase: false,
  scripts: ['webhooks.bench.ts'],
});
