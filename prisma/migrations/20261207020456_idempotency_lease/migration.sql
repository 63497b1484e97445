-- AlterTable
ALTER TABLE "IdempotencyRecord" ADD COLUMN     "appliedAt" TIMESTAMP(3),
ADD COLUMN     "leaseUntil" TIMESTAMP(3);
