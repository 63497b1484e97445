import { defineRecurringJob } from '@shopwarden/jobs';
import { deliverWebhooks } from './webhook-deliver.job.ts';
import { OUTBOX_CHANNEL, relayOutbox } from './webhook-delivery.service.ts';

const BATCH = 500;

/**
 * The outbox relay: woken when outbox events commit (else every 5 s), turns them into webhook
 * deliveries and tells the subscriptions, in batches, each exactly once (transactional).
 */
export const relayOutboxEvents = defineRecurringJob({
  name: 'webhooks.relay',
  recurrence: { wakeOn: OUTBOX_CHANNEL, everyMs: 5_000 },
  transactional: true,
  async run(_payload, { tx }) {
    const relayed = await relayOutbox(tx, deliverWebhooks, { batch: BATCH });
    return relayed.length === BATCH ? { runAgain: {} } : undefined;
  },
});
