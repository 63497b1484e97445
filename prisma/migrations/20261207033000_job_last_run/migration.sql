-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "lastResult" TEXT,
ADD COLUMN     "lastRunAt" TIMESTAMP(3),
ADD COLUMN     "lastScheduledFor" TIMESTAMP(3);
