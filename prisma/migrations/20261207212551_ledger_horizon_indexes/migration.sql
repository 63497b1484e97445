-- CreateIndex
CREATE INDEX "PointsLedgerEntry_effectiveAt_idx" ON "PointsLedgerEntry"("effectiveAt");

-- CreateIndex
CREATE INDEX "PointsLedgerEntry_expiresAt_idx" ON "PointsLedgerEntry"("expiresAt");
