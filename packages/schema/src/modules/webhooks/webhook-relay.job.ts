import { defineRecurringJob } from '@shopwarden/jobs';
import { deliverWebhooks } from './webhook-deliver.job.ts';
import { nextUnrelayedEvents, OUTBOX_CHANNEL, relayOutbox, renderDeliveryObjects } from './webhook-delivery.service.ts';

const BATCH = 500;

/**
 * The outbox relay: woken when outbox events commit (else every 5 s), renders the next batch's
 * payload objects, then turns the events into webhook deliveries and tells the subscriptions, in
 * one transaction per batch: each event relayed exactly once.
 */
export const relayOutboxEvents = defineRecurringJob({
  name: 'webhooks.relay',
  recurrence: { wakeOn: OUTBOX_CHANNEL, everyMs: 5_000 },
  async run(_payload, { prisma }) {
    const pending = await nextUnrelayedEvents(prisma, BATCH);
    if (!pending.length) return undefined;
    // Before the transaction: rendering runs statements side by side, which one transaction's connection must not.
    const objects = await renderDeliveryObjects(prisma, pending);
    const relayed = await prisma.$transaction((tx) => relayOutbox(tx, deliverWebhooks, { batch: BATCH, objects }), {
      timeout: 60_000,
      maxWait: 10_000,
    });
    return relayed.length === BATCH ? { runAgain: {} } : undefined;
  },
});
