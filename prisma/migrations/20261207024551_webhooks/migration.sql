-- DropIndex
DROP INDEX "WebhookDelivery_status_nextAttemptAt_idx";

-- AlterTable
ALTER TABLE "OutboxEvent" ADD COLUMN     "relayedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "firstAttemptAt" TIMESTAMP(3),
ADD COLUMN     "laneShopId" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "WebhookEndpoint" DROP COLUMN "active",
DROP COLUMN "shopId",
ADD COLUMN     "description" TEXT,
ADD COLUMN     "disabledAt" TIMESTAMP(3),
ADD COLUMN     "disabledReason" TEXT,
ADD COLUMN     "enabled" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "failingSince" TIMESTAMP(3),
ADD COLUMN     "ownerAccountId" INTEGER,
ADD COLUMN     "ownerShopId" INTEGER,
ADD COLUMN     "previousSecret" TEXT,
ADD COLUMN     "previousSecretExpiresAt" TIMESTAMP(3),
ADD COLUMN     "shopIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL;

-- CreateTable
CREATE TABLE "WebhookDeliveryAttempt" (
    "id" SERIAL NOT NULL,
    "deliveryId" INTEGER NOT NULL,
    "attemptedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "statusCode" INTEGER,
    "latencyMs" INTEGER NOT NULL,
    "responseBody" TEXT,
    "error" TEXT,
    "nextAttemptAt" TIMESTAMP(3),

    CONSTRAINT "WebhookDeliveryAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WebhookDeliveryAttempt_deliveryId_id_idx" ON "WebhookDeliveryAttempt"("deliveryId", "id");

-- CreateIndex
CREATE INDEX "OutboxEvent_relayedAt_id_idx" ON "OutboxEvent"("relayedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookDelivery_endpointId_laneShopId_status_id_idx" ON "WebhookDelivery"("endpointId", "laneShopId", "status", "id");

-- CreateIndex
CREATE INDEX "WebhookDelivery_endpointId_id_idx" ON "WebhookDelivery"("endpointId", "id");

-- CreateIndex
CREATE INDEX "WebhookEndpoint_ownerShopId_idx" ON "WebhookEndpoint"("ownerShopId");

-- CreateIndex
CREATE INDEX "WebhookEndpoint_ownerAccountId_idx" ON "WebhookEndpoint"("ownerAccountId");

-- AddForeignKey
ALTER TABLE "WebhookDeliveryAttempt" ADD CONSTRAINT "WebhookDeliveryAttempt_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "WebhookDelivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Change notifications (packages/db/src/change-triggers.ts)
CREATE OR REPLACE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "WebhookDeliveryAttempt" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();

-- Events written before webhooks existed have no one to go to: the relay starts after them.
UPDATE "OutboxEvent" SET "relayedAt" = CURRENT_TIMESTAMP;

-- The outbox relay (job webhooks.relay) wakes when events commit: NOTIFY shopwarden_outbox once per
-- inserting statement, delivered on commit only (never for a rolled-back transaction).
CREATE FUNCTION "shopwarden_outbox_written"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('shopwarden_outbox', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "shopwarden_outbox_written" AFTER INSERT ON "OutboxEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_outbox_written"();
