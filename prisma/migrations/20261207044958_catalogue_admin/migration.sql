-- CreateEnum
CREATE TYPE "CatalogueEntity" AS ENUM ('TIER', 'POLICY', 'FEE_CATEGORY', 'QUIZ', 'CATEGORY');

-- DropIndex
DROP INDEX "QuizQuestion_quizId_position_key";

-- AlterTable
ALTER TABLE "InvitationCode" ADD COLUMN     "createdByApiKeyId" INTEGER,
ADD COLUMN     "revokedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Policy" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Quiz" ADD COLUMN     "questionVersion" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "QuizAttempt" ADD COLUMN     "questionVersion" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "QuizQuestion" ADD COLUMN     "retiredAt" TIMESTAMP(3),
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "TierAssignment" ADD COLUMN     "tierMinLastMonthSales" BIGINT,
ADD COLUMN     "tierMinTrailingRevenue" BIGINT,
ADD COLUMN     "tierSelfShippingAllowed" BOOLEAN,
ADD COLUMN     "tierSupportLevel" "SupportLevel";

-- CreateTable
CREATE TABLE "CatalogueChange" (
    "id" SERIAL NOT NULL,
    "entity" "CatalogueEntity" NOT NULL,
    "entityId" INTEGER NOT NULL,
    "changes" JSONB NOT NULL,
    "previous" JSONB,
    "effectiveFrom" TIMESTAMP(3) NOT NULL,
    "appliedAt" TIMESTAMP(3),
    "apiKeyId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CatalogueChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CatalogueChange_entity_entityId_id_idx" ON "CatalogueChange"("entity", "entityId", "id");

-- CreateIndex
CREATE INDEX "CatalogueChange_appliedAt_effectiveFrom_idx" ON "CatalogueChange"("appliedAt", "effectiveFrom");

-- CreateIndex
CREATE INDEX "InvitationCode_site_id_idx" ON "InvitationCode"("site", "id");

-- CreateIndex
CREATE UNIQUE INDEX "QuizQuestion_quizId_version_position_key" ON "QuizQuestion"("quizId", "version", "position");

-- Backfill: assignments made before terms were kept take the tier's terms as they stand now.
UPDATE "TierAssignment" a
   SET "tierMinTrailingRevenue" = t."minTrailingRevenue", "tierMinLastMonthSales" = t."minLastMonthSales",
       "tierSupportLevel" = t."supportLevel", "tierSelfShippingAllowed" = t."selfShippingAllowed"
  FROM "Tier" t
 WHERE t.id = a."tierId";

-- Change notifications (packages/db/src/change-triggers.ts)
CREATE OR REPLACE TRIGGER "shopwarden_changes" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "CatalogueChange" FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_notify_table"();
