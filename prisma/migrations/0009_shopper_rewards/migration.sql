-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "rewards" JSONB;

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "birthDay" INTEGER,
ADD COLUMN     "birthMonth" INTEGER;

-- The ledger's English notes become parameters a shopper's page renders in their language: the
-- order's name for order entries (the only thing the notes said beyond the kind).
ALTER TABLE "PointsLedgerEntry" ADD COLUMN "params" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "PointsLedgerEntry" DISABLE TRIGGER "PointsLedgerEntry_no_update";
UPDATE "PointsLedgerEntry" e SET params = jsonb_build_object('orderName', o.name)
  FROM "Order" o WHERE o.shop = e.shop AND o."shopifyOrderId" = e."orderId";
ALTER TABLE "PointsLedgerEntry" DROP COLUMN "note";
ALTER TABLE "PointsLedgerEntry" ENABLE TRIGGER "PointsLedgerEntry_no_update";

ALTER TABLE "Customer" ADD CONSTRAINT "Customer_birthday_valid" CHECK (
  ("birthMonth" IS NULL AND "birthDay" IS NULL) OR ("birthMonth" BETWEEN 1 AND 12 AND "birthDay" BETWEEN 1 AND 31));

-- CreateTable
CREATE TABLE "Redemption" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "reward" JSONB NOT NULL,
    "cost" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "code" TEXT,
    "discountId" TEXT,
    "transactionId" TEXT,
    "failure" TEXT,
    "expiresAt" TIMESTAMP(3),
    "usedOrderId" TEXT,
    "usedOrderName" TEXT,
    "usedAt" TIMESTAMP(3),
    "settledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Redemption_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Redemption_customerId_createdAt_idx" ON "Redemption"("customerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shop_customerId_requestId_key" ON "Redemption"("shop", "customerId", "requestId");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shop_code_key" ON "Redemption"("shop", "code");

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A redemption is never issued twice nor left half-done: an issued one has what Shopify made.
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_state_valid" CHECK ("state" IN ('reserved', 'issued', 'released'));
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_cost_positive" CHECK ("cost" > 0);
