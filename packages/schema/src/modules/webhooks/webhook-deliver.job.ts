import { defineJob } from '@shopwarden/jobs';
import { deliverLaneHead } from './webhook-delivery.service.ts';

/** Deliveries one run sends before it yields to other jobs (it runs again at once). */
const DELIVERIES_PER_RUN = 100;

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
    for (let sent = 0; sent < DELIVERIES_PER_RUN; sent++) {
      if (ctx.signal.aborted) return { runAgain: {} };
      const step = await deliverLaneHead(ctx.prisma, lane, ctx.now);
      if (step.kind === 'empty') return;
      if (step.kind === 'wait') return { runAgain: { at: step.until } };
      if (step.kind === 'retry') {
        const head = await ctx.prisma.webhookDelivery.findFirst({
          where: { endpointId: lane.endpointId, laneShopId: lane.shopId, status: 'PENDING' },
          orderBy: { id: 'asc' },
          select: { nextAttemptAt: true },
        });
        return { runAgain: head?.nextAttemptAt ? { at: head.nextAttemptAt } : {} };
      }
    }
    return { runAgain: {} };
  },
});
