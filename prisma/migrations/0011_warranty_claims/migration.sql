-- CreateTable
CREATE TABLE "WarrantyClaim" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "warrantyId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "description" TEXT,
    "resolution" TEXT,
    "rejectionReason" TEXT,
    "reopenCount" INTEGER NOT NULL DEFAULT 0,
    "draftOrderId" TEXT,
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "firstResponseAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WarrantyClaim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WarrantyClaimEvent" (
    "id" BIGSERIAL NOT NULL,
    "claimId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WarrantyClaimEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WarrantyClaim_shop_status_submittedAt_idx" ON "WarrantyClaim"("shop", "status", "submittedAt");

-- CreateIndex
CREATE INDEX "WarrantyClaim_warrantyId_idx" ON "WarrantyClaim"("warrantyId");

-- CreateIndex
CREATE INDEX "WarrantyClaim_customerId_idx" ON "WarrantyClaim"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "WarrantyClaim_shop_customerId_requestId_key" ON "WarrantyClaim"("shop", "customerId", "requestId");

-- CreateIndex
CREATE INDEX "WarrantyClaimEvent_claimId_id_idx" ON "WarrantyClaimEvent"("claimId", "id");

-- AddForeignKey
ALTER TABLE "WarrantyClaim" ADD CONSTRAINT "WarrantyClaim_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WarrantyClaim" ADD CONSTRAINT "WarrantyClaim_warrantyId_fkey" FOREIGN KEY ("warrantyId") REFERENCES "WarrantyRegistration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WarrantyClaimEvent" ADD CONSTRAINT "WarrantyClaimEvent_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "WarrantyClaim"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The workflow's states (app/domain/claims.ts), and one open claim per unit at a time.
ALTER TABLE "WarrantyClaim" ADD CONSTRAINT "WarrantyClaim_status_valid" CHECK ("status" IN ('submitted', 'in_review', 'approved', 'rejected', 'resolved'));
CREATE UNIQUE INDEX "WarrantyClaim_one_open_per_unit" ON "WarrantyClaim"("warrantyId") WHERE "status" IN ('submitted', 'in_review', 'approved');

-- Claim events are append-only, like the points ledger (DELETE only through the claim's cascade).
CREATE FUNCTION "postventa_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER "WarrantyClaimEvent_no_update" BEFORE UPDATE ON "WarrantyClaimEvent"
  FOR EACH ROW EXECUTE FUNCTION "postventa_append_only"();
