import { defineJob } from '@shopwarden/jobs';
import { deliverLaneHead, readLaneHeads, type LaneHead } from './webhook-delivery.service.ts';

/** Deliveries one run sends before it yields to other jobs (it runs again at once). */
const DELIVERIES_PER_RUN = 100;

/** Pending deliveries read from the lane at once; sent one after another while each attempt settles. */
const READ_AHEAD = 20;

/**
 * Delivers one lane — an endpoint's events of one shop — in order: the oldest pending delivery
 * first, and the next only once it succeeded or failed for good. A failed attempt reschedules the
 * job for its retry on the platform clock (which the sandbox clock moves). At least once: a run that
 * dies after the POST sends it again, with the same `webhook-id`.
 */
export const deliverWebhooks = defineJob<{ endpointId: number; shopId: number }>({
  name: 'webhooks.deliver',
  maxAttempts: 50,
  async run(lane, ctx) {
    let ahead: LaneHead[] = [];
    for (let sent = 0; sent < DELIVERIES_PER_RUN; sent++) {
      if (ctx.signal.aborted) return { runAgain: {} };
      if (!ahead.length) ahead = await readLaneHeads(ctx.prisma, lane, READ_AHEAD);
      const head = ahead.shift();
      if (!head) return;
      const step = await deliverLaneHead(ctx.prisma, lane, ctx.now, head);
      // Anything but a settled attempt (a lost race, a failure, a changed endpoint): read the lane afresh.
      if (step.kind !== 'delivered' || !step.settled) ahead = [];
      if (step.kind === 'empty') return;
      if (step.kind === 'wait') return { runAgain: { at: step.until } };
      if (step.kind === 'retry') {
        const next = await ctx.prisma.webhookDelivery.findFirst({
          where: { endpointId: lane.endpointId, laneShopId: lane.shopId, status: 'PENDING' },
          orderBy: { id: 'asc' },
          select: { nextAttemptAt: true },
        });
        return { runAgain: next?.nextAttemptAt ? { at: next.nextAttemptAt } : {} };
      }
    }
    return { runAgain: {} };
  },
});
