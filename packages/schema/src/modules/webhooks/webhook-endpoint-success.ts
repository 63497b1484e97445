import { builder } from '#builder';
import { must } from '#lib/must.ts';

/** The success type of an endpoint mutation: the endpoint re-read, and with `withSecret` its new secret (shown this once). */
export function webhookEndpointSuccess(name: string, description: string, withSecret = false) {
  return builder.objectRef<{ endpointId: number; secret?: string }>(name).implement({
    description,
    fields: (t) => ({
      endpoint: t.prismaField({
        type: 'WebhookEndpoint',
        description: 'The endpoint, re-read.',
        resolve: (q, r, _a, ctx) => ctx.prisma.webhookEndpoint.findUniqueOrThrow({ ...q, where: { id: r.endpointId } }),
      }),
      ...(withSecret
        ? {
            secret: t.string({
              description:
                'The signing secret ("whsec_…"): shown this once, never again. Verify each delivery with it (docs/webhooks.md).',
              resolve: (r) => must(r.secret, `the new secret of ${name}`),
            }),
          }
        : {}),
    }),
  });
}
