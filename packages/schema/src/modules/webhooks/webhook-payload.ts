import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { encodeGlobalId } from '#lib/ids.ts';
import { eventCatalogue } from './event-catalogue.ts';

/** Payloads over this size carry only the ids (`data.subject`, `data.truncated: true`). */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

export interface StoredEvent {
  id: number;
  type: string;
  shopId: number | null;
  subjectType: string;
  subjectId: string;
  payload: unknown;
  occurredAt: Date;
}

/** The outbox columns a `StoredEvent` is read from. */
export const storedEventSelect = {
  id: true,
  type: true,
  shopId: true,
  subjectType: true,
  subjectId: true,
  payload: true,
  occurredAt: true,
} as const;

/** The stable event id: the `webhook-id` header and the body's `id`, the same for every retry and replay. */
export const webhookEventId = (eventId: number) => `evt_${eventId}`;

/** Parses "evt_42" (or "42"); null for anything else. */
export function parseWebhookEventId(value: string): number | null {
  const match = /^(?:evt_)?(\d{1,10})$/.exec(value.trim());
  const id = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(id) && id > 0 && id <= 2 ** 31 - 1 ? id : null;
}

/** A signing secret in the Standard Webhooks format: "whsec_" and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The event as the receiver gets it (docs/webhooks.md): JSON, the same bytes for every attempt.
 * `object` is the subject as its GraphQL type renders it for the receiving key (`data.object`,
 * absent when not rendered). Over 256 KB, only the ids remain.
 */
export function webhookBody(event: StoredEvent, object?: Record<string, unknown> | null): string {
  const subjectType = eventCatalogue[event.type]?.subject ?? event.subjectType;
  const subjectId = /^\d+$/.test(event.subjectId) ? encodeGlobalId(subjectType, event.subjectId) : event.subjectId;
  const envelope = {
    id: webhookEventId(event.id),
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    shopId: event.shopId === null ? null : encodeGlobalId('Shop', event.shopId),
  };
  const subject = { type: subjectType, id: subjectId };
  const data = { subject, ...(object !== undefined ? { object } : {}), ...(event.payload as object) };
  const body = JSON.stringify({ ...envelope, data });
  if (Buffer.byteLength(body) <= MAX_PAYLOAD_BYTES) return body;
  return JSON.stringify({ ...envelope, data: { subject, truncated: true } });
}

/**
 * The Standard Webhooks headers: `webhook-signature` holds one `v1,<base64 HMAC-SHA256>` per secret
 * that signs (two, space-separated, for 24 h after a rotation).
 */
export function webhookHeaders(
  secrets: readonly string[],
  id: string,
  body: string,
  at: Date = new Date(),
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(' '),
    'user-agent': 'ShopWarden-Webhooks/1',
  };
}
