-- DropIndex
DROP INDEX "WebhookDelivery_shop_eventId_key";

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "orderId" TEXT,
ADD COLUMN     "subjectCustomerId" TEXT,
ADD COLUMN     "subjectEmailHash" TEXT;

-- AlterTable
ALTER TABLE "WarrantyRegistration" ADD COLUMN     "quantity" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "ComplianceRequest" ADD COLUMN     "requestKey" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
UPDATE "ComplianceRequest" SET "requestKey" = id;
ALTER TABLE "ComplianceRequest" ALTER COLUMN "requestKey" SET NOT NULL;

-- CreateTable
CREATE TABLE "RedactedCustomer" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "shopifyCustomerId" TEXT,
    "emailHash" TEXT,
    "redactedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RedactedCustomer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RedactedCustomer_shop_shopifyCustomerId_idx" ON "RedactedCustomer"("shop", "shopifyCustomerId");

-- CreateIndex
CREATE INDEX "RedactedCustomer_shop_emailHash_idx" ON "RedactedCustomer"("shop", "emailHash");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_shop_topic_eventId_key" ON "WebhookDelivery"("shop", "topic", "eventId");

-- CreateIndex
CREATE UNIQUE INDEX "ComplianceRequest_shop_topic_requestKey_key" ON "ComplianceRequest"("shop", "topic", "requestKey");

-- Written before this migration: processed inbox bodies kept the shopper's personal data, and a
-- guest claim's ledger note named the email. Neither may stay (issue 8): processed bodies are
-- emptied (their effects are in the ledger already) and the notes name the guest by id.
UPDATE "WebhookDelivery" SET payload = '{}' WHERE state = 'processed';
ALTER TABLE "PointsLedgerEntry" DISABLE TRIGGER "PointsLedgerEntry_no_update";
UPDATE "PointsLedgerEntry" SET note = 'Guest orders claimed (guest ' || split_part("idempotencyKey", ':', 2) || ')'
  WHERE kind = 'claim_in' AND note LIKE 'Guest orders claimed (%';
ALTER TABLE "PointsLedgerEntry" ENABLE TRIGGER "PointsLedgerEntry_no_update";
