-- CreateIndex
CREATE INDEX "InvitationCode_expiresAt_idx" ON "InvitationCode"("expiresAt");

-- CreateIndex
CREATE INDEX "Shop_migrationDeadline_idx" ON "Shop"("migrationDeadline");
