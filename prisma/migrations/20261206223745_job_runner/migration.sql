-- CreateTable
CREATE TABLE "Job" (
    "id" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "runAt" TIMESTAMP(3),
    "notBefore" TIMESTAMP(3),
    "key" TEXT,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 10,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "failedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Job_key_key" ON "Job"("key");

-- CreateIndex
CREATE INDEX "Job_runAt_id_idx" ON "Job"("runAt", "id");

-- The job runner (packages/jobs) wakes up when a job falls due at once ("") or the sandbox clock
-- moves ("clock"): NOTIFY shopwarden_jobs, delivered on commit to every instance's runner, which
-- otherwise polls.
CREATE FUNCTION "shopwarden_job_due"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('shopwarden_jobs', CASE WHEN TG_TABLE_NAME = 'PlatformSettings' THEN 'clock' ELSE '' END);
  RETURN NULL;
END
$$;

CREATE TRIGGER "shopwarden_job_due_insert" AFTER INSERT ON "Job"
  FOR EACH ROW WHEN (NEW."runAt" IS NULL AND NEW."notBefore" IS NULL AND NEW."lockedBy" IS NULL)
  EXECUTE FUNCTION "shopwarden_job_due"();
CREATE TRIGGER "shopwarden_job_due_update" AFTER UPDATE ON "Job"
  FOR EACH ROW WHEN (NEW."runAt" IS NULL AND NEW."notBefore" IS NULL AND NEW."lockedBy" IS NULL AND NEW."failedAt" IS NULL)
  EXECUTE FUNCTION "shopwarden_job_due"();
CREATE TRIGGER "shopwarden_job_clock" AFTER UPDATE OF "sandboxNow", "sandboxSetAt", "sandboxFrozen" ON "PlatformSettings"
  FOR EACH STATEMENT EXECUTE FUNCTION "shopwarden_job_due"();
