-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "BusinessModel" AS ENUM ('CLOSED_LOOP', 'SEMI_CLOSED_LOOP', 'SELF_OPERATED');

-- CreateEnum
CREATE TYPE "FulfilmentMode" AS ENUM ('PLATFORM', 'SELF_SHIPPING');

-- CreateEnum
CREATE TYPE "ShopStatus" AS ENUM ('ACTIVE', 'RESTRICTED', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "HealthStatus" AS ENUM ('HEALTHY', 'AT_RISK', 'RESTRICTED', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "CategoryRestriction" AS ENUM ('NONE', 'RESTRICTED', 'PROHIBITED');

-- CreateEnum
CREATE TYPE "PrimaryCategorySource" AS ENUM ('SELECTED', 'AUTO_ASSIGNED', 'ADMIN_CHANGED');

-- CreateEnum
CREATE TYPE "VerificationDocumentType" AS ENUM ('PASSPORT', 'DRIVERS_LICENSE', 'COMPANY_REGISTRATION');

-- CreateEnum
CREATE TYPE "ExceptionRequestStatus" AS ENUM ('PENDING', 'APPROVED', 'DENIED');

-- CreateEnum
CREATE TYPE "AutoAssignmentRunStatus" AS ENUM ('COMPLETED', 'FAILED');

-- CreateEnum
CREATE TYPE "ApprovalStatus" AS ENUM ('PENDING', 'GRANTED', 'DENIED');

-- CreateEnum
CREATE TYPE "ListingStatus" AS ENUM ('DRAFT', 'PENDING_REVIEW', 'ACTIVE', 'REJECTED', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "ReviewDecision" AS ENUM ('SUBMITTED', 'AUTO_REJECTED', 'APPROVED', 'REJECTED', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "ViolationSource" AS ENUM ('LIVE_SESSION', 'VIDEO', 'LISTING', 'ORDER', 'OTHER');

-- CreateEnum
CREATE TYPE "ViolationStatus" AS ENUM ('ACTIVE', 'APPEALED', 'REMOVED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "LedgerEntryKind" AS ENUM ('VIOLATION_ADDED', 'EXPIRED', 'QUIZ_REMOVAL', 'APPEAL_REMOVAL');

-- CreateEnum
CREATE TYPE "RegistrationStatus" AS ENUM ('CONFIRMED', 'WAITLISTED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "SupportLevel" AS ENUM ('REDUCED', 'STANDARD', 'DEDICATED');

-- CreateEnum
CREATE TYPE "ContentKind" AS ENUM ('LIVE_SESSION', 'VIDEO');

-- CreateEnum
CREATE TYPE "PartnershipStatus" AS ENUM ('PROPOSED', 'ACTIVE', 'ENDED');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'SELLER', 'AGENCY', 'PARTNER');

-- CreateEnum
CREATE TYPE "AccountKind" AS ENUM ('AGENCY', 'PARTNER');

-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('SUCCESS', 'ERROR');

-- CreateEnum
CREATE TYPE "IdempotencyState" AS ENUM ('IN_PROGRESS', 'COMPLETED');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "BulkOperationStatus" AS ENUM ('CREATED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED');

-- CreateTable
CREATE TABLE "PlatformSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "categoryEnforcementAt" TIMESTAMP(3) NOT NULL DEFAULT '2024-02-01 00:00:00 +00:00',
    "categoryConfirmDeadline" TIMESTAMP(3) NOT NULL DEFAULT '2024-02-07 00:00:00 +00:00',
    "categoryLookbackStart" TIMESTAMP(3) NOT NULL DEFAULT '2023-11-01 00:00:00 +00:00',
    "categoryLookbackEnd" TIMESTAMP(3) NOT NULL DEFAULT '2024-01-01 00:00:00 +00:00',
    "previousPolicyMaxCategories" INTEGER NOT NULL DEFAULT 3,
    "semiClosedLoopRetiredAt" TIMESTAMP(3) NOT NULL DEFAULT '2023-09-12 00:00:00 +00:00',
    "semiClosedLoopMigrationDays" INTEGER NOT NULL DEFAULT 180,
    "inviteOnlySites" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "verificationRequiredSites" TEXT[] DEFAULT ARRAY['US']::TEXT[],
    "pointExpiryDays" INTEGER NOT NULL DEFAULT 90,
    "atRiskThreshold" INTEGER NOT NULL DEFAULT 12,
    "restrictedThreshold" INTEGER NOT NULL DEFAULT 24,
    "suspendedThreshold" INTEGER NOT NULL DEFAULT 48,
    "quizAttemptsPerMonth" INTEGER NOT NULL DEFAULT 3,
    "quizPointsRemoved" INTEGER NOT NULL DEFAULT 1,
    "quizRemovalCooldownDays" INTEGER NOT NULL DEFAULT 30,
    "quizQuestionCount" INTEGER NOT NULL DEFAULT 3,
    "sandboxNow" TIMESTAMP(3),
    "sandboxSetAt" TIMESTAMP(3),
    "sandboxFrozen" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlatformSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "sites" TEXT[],
    "businessModel" "BusinessModel" NOT NULL DEFAULT 'CLOSED_LOOP',
    "fulfilmentMode" "FulfilmentMode" NOT NULL DEFAULT 'PLATFORM',
    "status" "ShopStatus" NOT NULL DEFAULT 'ACTIVE',
    "healthStatus" "HealthStatus" NOT NULL DEFAULT 'HEALTHY',
    "primaryCategoryId" INTEGER,
    "primaryCategorySetAt" TIMESTAMP(3),
    "primaryCategorySource" "PrimaryCategorySource",
    "needsManualCategoryDecision" BOOLEAN NOT NULL DEFAULT false,
    "migrationDeadline" TIMESTAMP(3),
    "tierId" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VerificationDocument" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "type" "VerificationDocumentType" NOT NULL,
    "reference" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VerificationDocument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InvitationCode" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "site" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "usedByShopId" INTEGER,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InvitationCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Category" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "parentId" INTEGER,
    "rootId" INTEGER,
    "depth" INTEGER NOT NULL DEFAULT 0,
    "restriction" "CategoryRestriction" NOT NULL DEFAULT 'NONE',
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Category_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PrimaryCategorySelection" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "categoryId" INTEGER NOT NULL,
    "previousCategoryId" INTEGER,
    "source" "PrimaryCategorySource" NOT NULL,
    "answers" JSONB,
    "reason" TEXT,
    "figures" JSONB,
    "autoAssignmentRunId" INTEGER,
    "actorApiKeyId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PrimaryCategorySelection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CategoryExceptionRequest" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "comment" TEXT NOT NULL,
    "requestedCategoryIds" INTEGER[],
    "status" "ExceptionRequestStatus" NOT NULL DEFAULT 'PENDING',
    "decisionNote" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decidedByApiKeyId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CategoryExceptionRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CategoryExceptionGrant" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "categoryId" INTEGER NOT NULL,
    "requestId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CategoryExceptionGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutoAssignmentRun" (
    "id" SERIAL NOT NULL,
    "ranAt" TIMESTAMP(3) NOT NULL,
    "status" "AutoAssignmentRunStatus" NOT NULL DEFAULT 'COMPLETED',
    "assignedCount" INTEGER NOT NULL DEFAULT 0,
    "manualCount" INTEGER NOT NULL DEFAULT 0,
    "actorApiKeyId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AutoAssignmentRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RestrictedCategoryApproval" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "categoryId" INTEGER NOT NULL,
    "status" "ApprovalStatus" NOT NULL DEFAULT 'PENDING',
    "justification" TEXT,
    "decisionNote" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decidedByApiKeyId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RestrictedCategoryApproval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Listing" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "categoryId" INTEGER NOT NULL,
    "priceAmount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "sites" TEXT[],
    "status" "ListingStatus" NOT NULL DEFAULT 'DRAFT',
    "version" INTEGER NOT NULL DEFAULT 0,
    "submittedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Listing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ListingReview" (
    "id" SERIAL NOT NULL,
    "listingId" INTEGER NOT NULL,
    "decision" "ReviewDecision" NOT NULL,
    "automatic" BOOLEAN NOT NULL,
    "fromStatus" "ListingStatus" NOT NULL,
    "toStatus" "ListingStatus" NOT NULL,
    "reasons" JSONB NOT NULL DEFAULT '[]',
    "note" TEXT,
    "reviewerApiKeyId" INTEGER,
    "listingVersion" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ListingReview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Policy" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "defaultPoints" INTEGER NOT NULL,
    "educationUrl" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Violation" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "policyId" INTEGER NOT NULL,
    "source" "ViolationSource" NOT NULL,
    "contentItemId" INTEGER,
    "listingId" INTEGER,
    "orderId" INTEGER,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "points" INTEGER NOT NULL,
    "status" "ViolationStatus" NOT NULL DEFAULT 'ACTIVE',
    "note" TEXT,
    "recordedByApiKeyId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Violation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ViolationAppeal" (
    "id" SERIAL NOT NULL,
    "violationId" INTEGER NOT NULL,
    "statement" TEXT NOT NULL,
    "status" "ApprovalStatus" NOT NULL DEFAULT 'PENDING',
    "decisionNote" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decidedByApiKeyId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ViolationAppeal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PointsLedgerEntry" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "policyId" INTEGER NOT NULL,
    "violationId" INTEGER,
    "kind" "LedgerEntryKind" NOT NULL,
    "points" INTEGER NOT NULL,
    "effectiveAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "quizAttemptId" INTEGER,
    "appealId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PointsLedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShopStatusChange" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "fromStatus" "ShopStatus" NOT NULL,
    "toStatus" "ShopStatus" NOT NULL,
    "fromHealth" "HealthStatus" NOT NULL,
    "toHealth" "HealthStatus" NOT NULL,
    "balance" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShopStatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HealthReport" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "weekStart" TIMESTAMP(3) NOT NULL,
    "data" JSONB NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HealthReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Quiz" (
    "id" SERIAL NOT NULL,
    "policyId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Quiz_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizQuestion" (
    "id" SERIAL NOT NULL,
    "quizId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "prompt" TEXT NOT NULL,
    "choices" TEXT[],
    "correctIndex" INTEGER NOT NULL,
    "explanation" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "QuizQuestion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizAttempt" (
    "id" SERIAL NOT NULL,
    "quizId" INTEGER NOT NULL,
    "shopId" INTEGER NOT NULL,
    "month" TEXT NOT NULL,
    "answers" INTEGER[],
    "correctCount" INTEGER NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "pointsRemoved" INTEGER NOT NULL DEFAULT 0,
    "submittedAt" TIMESTAMP(3) NOT NULL,
    "apiKeyId" INTEGER,

    CONSTRAINT "QuizAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SellerEvent" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "registrationClosesAt" TIMESTAMP(3) NOT NULL,
    "minTierId" INTEGER,
    "eligibleCategoryIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SellerEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventRegistration" (
    "id" SERIAL NOT NULL,
    "eventId" INTEGER NOT NULL,
    "shopId" INTEGER NOT NULL,
    "status" "RegistrationStatus" NOT NULL,
    "attended" BOOLEAN,
    "attendedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "promotedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EventRegistration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FeeCategory" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "defaultRateBps" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "FeeCategory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "externalId" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "placedAt" TIMESTAMP(3) NOT NULL,
    "categoryId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderFeeLine" (
    "id" SERIAL NOT NULL,
    "orderId" INTEGER NOT NULL,
    "feeCategoryId" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,

    CONSTRAINT "OrderFeeLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Tier" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "minTrailingRevenue" BIGINT NOT NULL DEFAULT 0,
    "minLastMonthSales" BIGINT NOT NULL DEFAULT 0,
    "supportLevel" "SupportLevel" NOT NULL,
    "selfShippingAllowed" BOOLEAN NOT NULL,

    CONSTRAINT "Tier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TierRecalculationRun" (
    "id" SERIAL NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "shopsEvaluated" INTEGER NOT NULL DEFAULT 0,
    "changedCount" INTEGER NOT NULL DEFAULT 0,
    "actorApiKeyId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TierRecalculationRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TierAssignment" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "tierId" INTEGER NOT NULL,
    "previousTierId" INTEGER,
    "runId" INTEGER,
    "trailingRevenue" BIGINT NOT NULL,
    "lastMonthSales" BIGINT NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TierAssignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Creator" (
    "id" SERIAL NOT NULL,
    "handle" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "regions" TEXT[],
    "nicheCategoryIds" INTEGER[],
    "followerCount" INTEGER NOT NULL,
    "engagementRateBps" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Creator_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContentItem" (
    "id" SERIAL NOT NULL,
    "creatorId" INTEGER NOT NULL,
    "shopId" INTEGER NOT NULL,
    "kind" "ContentKind" NOT NULL,
    "title" TEXT NOT NULL,
    "url" TEXT,
    "publishedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContentItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Partnership" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "creatorId" INTEGER NOT NULL,
    "status" "PartnershipStatus" NOT NULL DEFAULT 'PROPOSED',
    "commissionRateBps" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Partnership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AccountKind" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShopAccessGrant" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "accountId" INTEGER NOT NULL,
    "scopes" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "grantedByApiKeyId" INTEGER,

    CONSTRAINT "ShopAccessGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "scopes" TEXT[],
    "shopId" INTEGER,
    "accountId" INTEGER,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "createdByApiKeyId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditRecord" (
    "id" SERIAL NOT NULL,
    "apiKeyId" INTEGER,
    "role" "Role",
    "operation" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "shopId" INTEGER,
    "input" JSONB,
    "outcome" "AuditOutcome" NOT NULL,
    "resultCode" TEXT,
    "requestId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "id" SERIAL NOT NULL,
    "apiKeyId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "state" "IdempotencyState" NOT NULL DEFAULT 'IN_PROGRESS',
    "response" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxEvent" (
    "id" SERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "shopId" INTEGER,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutboxEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookEndpoint" (
    "id" SERIAL NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "eventTypes" TEXT[],
    "apiKeyId" INTEGER NOT NULL,
    "shopId" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" SERIAL NOT NULL,
    "endpointId" INTEGER NOT NULL,
    "eventId" INTEGER NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lastStatusCode" INTEGER,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BulkOperation" (
    "id" SERIAL NOT NULL,
    "apiKeyId" INTEGER NOT NULL,
    "mutation" TEXT NOT NULL,
    "status" "BulkOperationStatus" NOT NULL DEFAULT 'CREATED',
    "input" TEXT NOT NULL,
    "result" TEXT,
    "lineCount" INTEGER NOT NULL DEFAULT 0,
    "processedCount" INTEGER NOT NULL DEFAULT 0,
    "succeededCount" INTEGER NOT NULL DEFAULT 0,
    "failedCount" INTEGER NOT NULL DEFAULT 0,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "errorCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "BulkOperation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Shop_primaryCategoryId_idx" ON "Shop"("primaryCategoryId");

-- CreateIndex
CREATE INDEX "Shop_status_id_idx" ON "Shop"("status", "id");

-- CreateIndex
CREATE INDEX "Shop_tierId_idx" ON "Shop"("tierId");

-- CreateIndex
CREATE INDEX "VerificationDocument_shopId_idx" ON "VerificationDocument"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "InvitationCode_code_key" ON "InvitationCode"("code");

-- CreateIndex
CREATE UNIQUE INDEX "InvitationCode_usedByShopId_key" ON "InvitationCode"("usedByShopId");

-- CreateIndex
CREATE UNIQUE INDEX "Category_slug_key" ON "Category"("slug");

-- CreateIndex
CREATE INDEX "Category_parentId_idx" ON "Category"("parentId");

-- CreateIndex
CREATE INDEX "Category_rootId_idx" ON "Category"("rootId");

-- CreateIndex
CREATE INDEX "PrimaryCategorySelection_shopId_createdAt_idx" ON "PrimaryCategorySelection"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "PrimaryCategorySelection_autoAssignmentRunId_idx" ON "PrimaryCategorySelection"("autoAssignmentRunId");

-- CreateIndex
CREATE INDEX "CategoryExceptionRequest_status_createdAt_id_idx" ON "CategoryExceptionRequest"("status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "CategoryExceptionRequest_shopId_idx" ON "CategoryExceptionRequest"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "CategoryExceptionGrant_shopId_categoryId_key" ON "CategoryExceptionGrant"("shopId", "categoryId");

-- CreateIndex
CREATE INDEX "RestrictedCategoryApproval_status_createdAt_id_idx" ON "RestrictedCategoryApproval"("status", "createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "RestrictedCategoryApproval_shopId_categoryId_key" ON "RestrictedCategoryApproval"("shopId", "categoryId");

-- CreateIndex
CREATE INDEX "Listing_shopId_status_id_idx" ON "Listing"("shopId", "status", "id");

-- CreateIndex
CREATE INDEX "Listing_shopId_id_idx" ON "Listing"("shopId", "id");

-- CreateIndex
CREATE INDEX "Listing_status_submittedAt_id_idx" ON "Listing"("status", "submittedAt", "id");

-- CreateIndex
CREATE INDEX "Listing_categoryId_idx" ON "Listing"("categoryId");

-- CreateIndex
CREATE INDEX "ListingReview_listingId_createdAt_id_idx" ON "ListingReview"("listingId", "createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Policy_code_key" ON "Policy"("code");

-- CreateIndex
CREATE INDEX "Violation_shopId_occurredAt_id_idx" ON "Violation"("shopId", "occurredAt", "id");

-- CreateIndex
CREATE INDEX "Violation_shopId_policyId_occurredAt_idx" ON "Violation"("shopId", "policyId", "occurredAt");

-- CreateIndex
CREATE INDEX "Violation_listingId_idx" ON "Violation"("listingId");

-- CreateIndex
CREATE INDEX "Violation_contentItemId_idx" ON "Violation"("contentItemId");

-- CreateIndex
CREATE INDEX "ViolationAppeal_violationId_idx" ON "ViolationAppeal"("violationId");

-- CreateIndex
CREATE INDEX "ViolationAppeal_status_createdAt_id_idx" ON "ViolationAppeal"("status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "PointsLedgerEntry_shopId_effectiveAt_idx" ON "PointsLedgerEntry"("shopId", "effectiveAt");

-- CreateIndex
CREATE INDEX "PointsLedgerEntry_shopId_policyId_effectiveAt_idx" ON "PointsLedgerEntry"("shopId", "policyId", "effectiveAt");

-- CreateIndex
CREATE INDEX "PointsLedgerEntry_violationId_idx" ON "PointsLedgerEntry"("violationId");

-- CreateIndex
CREATE INDEX "ShopStatusChange_shopId_occurredAt_idx" ON "ShopStatusChange"("shopId", "occurredAt");

-- CreateIndex
CREATE INDEX "HealthReport_shopId_weekStart_idx" ON "HealthReport"("shopId", "weekStart" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "HealthReport_shopId_weekStart_key" ON "HealthReport"("shopId", "weekStart");

-- CreateIndex
CREATE INDEX "Quiz_policyId_idx" ON "Quiz"("policyId");

-- CreateIndex
CREATE UNIQUE INDEX "QuizQuestion_quizId_position_key" ON "QuizQuestion"("quizId", "position");

-- CreateIndex
CREATE INDEX "QuizAttempt_shopId_quizId_month_idx" ON "QuizAttempt"("shopId", "quizId", "month");

-- CreateIndex
CREATE INDEX "QuizAttempt_shopId_submittedAt_idx" ON "QuizAttempt"("shopId", "submittedAt");

-- CreateIndex
CREATE INDEX "SellerEvent_startsAt_id_idx" ON "SellerEvent"("startsAt", "id");

-- CreateIndex
CREATE INDEX "EventRegistration_eventId_status_id_idx" ON "EventRegistration"("eventId", "status", "id");

-- CreateIndex
CREATE INDEX "EventRegistration_shopId_id_idx" ON "EventRegistration"("shopId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "EventRegistration_eventId_shopId_key" ON "EventRegistration"("eventId", "shopId");

-- CreateIndex
CREATE UNIQUE INDEX "FeeCategory_code_key" ON "FeeCategory"("code");

-- CreateIndex
CREATE INDEX "Order_shopId_placedAt_idx" ON "Order"("shopId", "placedAt");

-- CreateIndex
CREATE INDEX "Order_placedAt_shopId_idx" ON "Order"("placedAt", "shopId");

-- CreateIndex
CREATE UNIQUE INDEX "Order_shopId_externalId_key" ON "Order"("shopId", "externalId");

-- CreateIndex
CREATE INDEX "OrderFeeLine_orderId_idx" ON "OrderFeeLine"("orderId");

-- CreateIndex
CREATE INDEX "OrderFeeLine_feeCategoryId_idx" ON "OrderFeeLine"("feeCategoryId");

-- CreateIndex
CREATE UNIQUE INDEX "Tier_code_key" ON "Tier"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Tier_rank_key" ON "Tier"("rank");

-- CreateIndex
CREATE INDEX "TierAssignment_shopId_createdAt_idx" ON "TierAssignment"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "TierAssignment_runId_idx" ON "TierAssignment"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "Creator_handle_key" ON "Creator"("handle");

-- CreateIndex
CREATE INDEX "ContentItem_shopId_publishedAt_idx" ON "ContentItem"("shopId", "publishedAt");

-- CreateIndex
CREATE INDEX "ContentItem_creatorId_idx" ON "ContentItem"("creatorId");

-- CreateIndex
CREATE INDEX "Partnership_shopId_status_idx" ON "Partnership"("shopId", "status");

-- CreateIndex
CREATE INDEX "Partnership_creatorId_idx" ON "Partnership"("creatorId");

-- CreateIndex
CREATE INDEX "ShopAccessGrant_accountId_revokedAt_idx" ON "ShopAccessGrant"("accountId", "revokedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ShopAccessGrant_shopId_accountId_key" ON "ShopAccessGrant"("shopId", "accountId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_prefix_key" ON "ApiKey"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_shopId_idx" ON "ApiKey"("shopId");

-- CreateIndex
CREATE INDEX "ApiKey_accountId_idx" ON "ApiKey"("accountId");

-- CreateIndex
CREATE INDEX "AuditRecord_createdAt_id_idx" ON "AuditRecord"("createdAt", "id");

-- CreateIndex
CREATE INDEX "AuditRecord_shopId_createdAt_idx" ON "AuditRecord"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditRecord_apiKeyId_createdAt_idx" ON "AuditRecord"("apiKeyId", "createdAt");

-- CreateIndex
CREATE INDEX "IdempotencyRecord_expiresAt_idx" ON "IdempotencyRecord"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "IdempotencyRecord_apiKeyId_key_key" ON "IdempotencyRecord"("apiKeyId", "key");

-- CreateIndex
CREATE INDEX "OutboxEvent_type_id_idx" ON "OutboxEvent"("type", "id");

-- CreateIndex
CREATE INDEX "OutboxEvent_shopId_id_idx" ON "OutboxEvent"("shopId", "id");

-- CreateIndex
CREATE INDEX "WebhookEndpoint_apiKeyId_idx" ON "WebhookEndpoint"("apiKeyId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_endpointId_eventId_key" ON "WebhookDelivery"("endpointId", "eventId");

-- CreateIndex
CREATE INDEX "BulkOperation_status_createdAt_idx" ON "BulkOperation"("status", "createdAt");

-- CreateIndex
CREATE INDEX "BulkOperation_apiKeyId_status_idx" ON "BulkOperation"("apiKeyId", "status");

-- AddForeignKey
ALTER TABLE "Shop" ADD CONSTRAINT "Shop_primaryCategoryId_fkey" FOREIGN KEY ("primaryCategoryId") REFERENCES "Category"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Shop" ADD CONSTRAINT "Shop_tierId_fkey" FOREIGN KEY ("tierId") REFERENCES "Tier"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VerificationDocument" ADD CONSTRAINT "VerificationDocument_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvitationCode" ADD CONSTRAINT "InvitationCode_usedByShopId_fkey" FOREIGN KEY ("usedByShopId") REFERENCES "Shop"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Category" ADD CONSTRAINT "Category_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Category"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Category" ADD CONSTRAINT "Category_rootId_fkey" FOREIGN KEY ("rootId") REFERENCES "Category"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrimaryCategorySelection" ADD CONSTRAINT "PrimaryCategorySelection_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrimaryCategorySelection" ADD CONSTRAINT "PrimaryCategorySelection_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrimaryCategorySelection" ADD CONSTRAINT "PrimaryCategorySelection_previousCategoryId_fkey" FOREIGN KEY ("previousCategoryId") REFERENCES "Category"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrimaryCategorySelection" ADD CONSTRAINT "PrimaryCategorySelection_autoAssignmentRunId_fkey" FOREIGN KEY ("autoAssignmentRunId") REFERENCES "AutoAssignmentRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CategoryExceptionRequest" ADD CONSTRAINT "CategoryExceptionRequest_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CategoryExceptionGrant" ADD CONSTRAINT "CategoryExceptionGrant_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CategoryExceptionGrant" ADD CONSTRAINT "CategoryExceptionGrant_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CategoryExceptionGrant" ADD CONSTRAINT "CategoryExceptionGrant_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "CategoryExceptionRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RestrictedCategoryApproval" ADD CONSTRAINT "RestrictedCategoryApproval_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RestrictedCategoryApproval" ADD CONSTRAINT "RestrictedCategoryApproval_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ListingReview" ADD CONSTRAINT "ListingReview_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Violation" ADD CONSTRAINT "Violation_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Violation" ADD CONSTRAINT "Violation_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Violation" ADD CONSTRAINT "Violation_contentItemId_fkey" FOREIGN KEY ("contentItemId") REFERENCES "ContentItem"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Violation" ADD CONSTRAINT "Violation_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Violation" ADD CONSTRAINT "Violation_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ViolationAppeal" ADD CONSTRAINT "ViolationAppeal_violationId_fkey" FOREIGN KEY ("violationId") REFERENCES "Violation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsLedgerEntry" ADD CONSTRAINT "PointsLedgerEntry_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsLedgerEntry" ADD CONSTRAINT "PointsLedgerEntry_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsLedgerEntry" ADD CONSTRAINT "PointsLedgerEntry_violationId_fkey" FOREIGN KEY ("violationId") REFERENCES "Violation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsLedgerEntry" ADD CONSTRAINT "PointsLedgerEntry_quizAttemptId_fkey" FOREIGN KEY ("quizAttemptId") REFERENCES "QuizAttempt"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsLedgerEntry" ADD CONSTRAINT "PointsLedgerEntry_appealId_fkey" FOREIGN KEY ("appealId") REFERENCES "ViolationAppeal"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShopStatusChange" ADD CONSTRAINT "ShopStatusChange_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HealthReport" ADD CONSTRAINT "HealthReport_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Quiz" ADD CONSTRAINT "Quiz_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizQuestion" ADD CONSTRAINT "QuizQuestion_quizId_fkey" FOREIGN KEY ("quizId") REFERENCES "Quiz"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizAttempt" ADD CONSTRAINT "QuizAttempt_quizId_fkey" FOREIGN KEY ("quizId") REFERENCES "Quiz"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizAttempt" ADD CONSTRAINT "QuizAttempt_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SellerEvent" ADD CONSTRAINT "SellerEvent_minTierId_fkey" FOREIGN KEY ("minTierId") REFERENCES "Tier"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventRegistration" ADD CONSTRAINT "EventRegistration_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "SellerEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventRegistration" ADD CONSTRAINT "EventRegistration_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderFeeLine" ADD CONSTRAINT "OrderFeeLine_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderFeeLine" ADD CONSTRAINT "OrderFeeLine_feeCategoryId_fkey" FOREIGN KEY ("feeCategoryId") REFERENCES "FeeCategory"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierAssignment" ADD CONSTRAINT "TierAssignment_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierAssignment" ADD CONSTRAINT "TierAssignment_tierId_fkey" FOREIGN KEY ("tierId") REFERENCES "Tier"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierAssignment" ADD CONSTRAINT "TierAssignment_previousTierId_fkey" FOREIGN KEY ("previousTierId") REFERENCES "Tier"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierAssignment" ADD CONSTRAINT "TierAssignment_runId_fkey" FOREIGN KEY ("runId") REFERENCES "TierRecalculationRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContentItem" ADD CONSTRAINT "ContentItem_creatorId_fkey" FOREIGN KEY ("creatorId") REFERENCES "Creator"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContentItem" ADD CONSTRAINT "ContentItem_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Partnership" ADD CONSTRAINT "Partnership_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Partnership" ADD CONSTRAINT "Partnership_creatorId_fkey" FOREIGN KEY ("creatorId") REFERENCES "Creator"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShopAccessGrant" ADD CONSTRAINT "ShopAccessGrant_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShopAccessGrant" ADD CONSTRAINT "ShopAccessGrant_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "WebhookEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "OutboxEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
