-- CreateEnum
CREATE TYPE "PartnershipParty" AS ENUM ('SHOP', 'CREATOR', 'ADMIN', 'PLATFORM');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "PartnershipStatus" ADD VALUE 'DECLINED';
ALTER TYPE "PartnershipStatus" ADD VALUE 'EXPIRED';

-- DropIndex
DROP INDEX "ContentItem_creatorId_idx";

-- DropIndex
DROP INDEX "Partnership_creatorId_idx";

-- DropIndex
DROP INDEX "Partnership_shopId_status_idx";

-- AlterTable
ALTER TABLE "Creator" ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "Partnership" ADD COLUMN     "closeReason" TEXT,
ADD COLUMN     "closedBy" "PartnershipParty",
ADD COLUMN     "endsAt" TIMESTAMP(3),
ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "message" TEXT,
ADD COLUMN     "openPairKey" TEXT,
ADD COLUMN     "proposedByApiKeyId" INTEGER,
ADD COLUMN     "respondedAt" TIMESTAMP(3),
ADD COLUMN     "scopeCategoryIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "scopeListingIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "startsAt" TIMESTAMP(3),
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "PlatformSettings" ADD COLUMN     "creatorPoorThreshold" INTEGER NOT NULL DEFAULT 12,
ADD COLUMN     "creatorWatchThreshold" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "matchAlreadyPartneredPenalty" INTEGER NOT NULL DEFAULT 20,
ADD COLUMN     "matchPenaltyPerPoint" INTEGER NOT NULL DEFAULT 3,
ADD COLUMN     "matchRecentViolationDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "matchWeightAudience" INTEGER NOT NULL DEFAULT 25,
ADD COLUMN     "matchWeightEngagement" INTEGER NOT NULL DEFAULT 20,
ADD COLUMN     "matchWeightGrantedNiche" INTEGER NOT NULL DEFAULT 15,
ADD COLUMN     "matchWeightPrimaryNiche" INTEGER NOT NULL DEFAULT 35,
ADD COLUMN     "matchWeightRegion" INTEGER NOT NULL DEFAULT 20,
ADD COLUMN     "partnershipCommissionMaxBps" INTEGER NOT NULL DEFAULT 8000,
ADD COLUMN     "partnershipCommissionMinBps" INTEGER NOT NULL DEFAULT 100,
ADD COLUMN     "partnershipProposalExpiryDays" INTEGER NOT NULL DEFAULT 14;

-- CreateTable
CREATE TABLE "CreatorRepresentation" (
    "id" SERIAL NOT NULL,
    "creatorId" INTEGER NOT NULL,
    "accountId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "grantedByApiKeyId" INTEGER,

    CONSTRAINT "CreatorRepresentation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CreatorRepresentation_accountId_revokedAt_idx" ON "CreatorRepresentation"("accountId", "revokedAt");

-- CreateIndex
CREATE UNIQUE INDEX "CreatorRepresentation_creatorId_accountId_key" ON "CreatorRepresentation"("creatorId", "accountId");

-- CreateIndex
CREATE INDEX "ContentItem_creatorId_publishedAt_idx" ON "ContentItem"("creatorId", "publishedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Partnership_openPairKey_key" ON "Partnership"("openPairKey");

-- CreateIndex
CREATE INDEX "Partnership_shopId_status_id_idx" ON "Partnership"("shopId", "status", "id");

-- CreateIndex
CREATE INDEX "Partnership_creatorId_status_id_idx" ON "Partnership"("creatorId", "status", "id");

-- CreateIndex
CREATE INDEX "Partnership_status_expiresAt_idx" ON "Partnership"("status", "expiresAt");

-- AddForeignKey
ALTER TABLE "CreatorRepresentation" ADD CONSTRAINT "CreatorRepresentation_creatorId_fkey" FOREIGN KEY ("creatorId") REFERENCES "Creator"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CreatorRepresentation" ADD CONSTRAINT "CreatorRepresentation_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: one open partnership per pair keeps its key; an older duplicate is ended.
UPDATE "Partnership" SET "status" = 'ENDED', "endedAt" = COALESCE("endedAt", CURRENT_TIMESTAMP), "closedBy" = 'PLATFORM',
  "closeReason" = 'Superseded by a newer open partnership between the same shop and creator.'
WHERE "status" IN ('PROPOSED', 'ACTIVE') AND "id" NOT IN (
  SELECT DISTINCT ON ("shopId", "creatorId") "id" FROM "Partnership"
  WHERE "status" IN ('PROPOSED', 'ACTIVE') ORDER BY "shopId", "creatorId", "id" DESC);
UPDATE "Partnership" SET "openPairKey" = "shopId" || ':' || "creatorId" WHERE "status" IN ('PROPOSED', 'ACTIVE');
UPDATE "Partnership" SET "expiresAt" = "createdAt" + INTERVAL '14 days' WHERE "status" = 'PROPOSED';
