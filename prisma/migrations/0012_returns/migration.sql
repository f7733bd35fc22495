-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "returnRules" JSONB;

-- CreateTable
CREATE TABLE "ReturnRequest" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT,
    "shopifyOrderId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "requestRef" TEXT,
    "shopifyReturnId" TEXT,
    "name" TEXT,
    "status" TEXT NOT NULL,
    "statusAt" TIMESTAMP(3),
    "origin" TEXT NOT NULL,
    "outcome" TEXT,
    "note" TEXT,
    "declineReason" TEXT,
    "declineNote" TEXT,
    "autoApprove" BOOLEAN NOT NULL DEFAULT false,
    "autoApproved" BOOLEAN NOT NULL DEFAULT false,
    "failure" TEXT,
    "attemptedAt" TIMESTAMP(3),
    "settledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReturnRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReturnRequestLine" (
    "id" BIGSERIAL NOT NULL,
    "returnId" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "fulfillmentLineItemId" TEXT,
    "reasonDefinitionId" TEXT,
    "quantity" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "ReturnRequestLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReturnEvent" (
    "id" BIGSERIAL NOT NULL,
    "returnId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReturnEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReturnRequest_shop_shopifyOrderId_idx" ON "ReturnRequest"("shop", "shopifyOrderId");

-- CreateIndex
CREATE INDEX "ReturnRequest_customerId_createdAt_idx" ON "ReturnRequest"("customerId", "createdAt");

-- CreateIndex
CREATE INDEX "ReturnRequest_shop_status_createdAt_idx" ON "ReturnRequest"("shop", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ReturnRequest_shop_customerId_requestId_key" ON "ReturnRequest"("shop", "customerId", "requestId");

-- CreateIndex
CREATE UNIQUE INDEX "ReturnRequest_shop_shopifyReturnId_key" ON "ReturnRequest"("shop", "shopifyReturnId");

-- CreateIndex
CREATE UNIQUE INDEX "ReturnRequest_shop_requestRef_key" ON "ReturnRequest"("shop", "requestRef");

-- CreateIndex
CREATE INDEX "ReturnRequestLine_returnId_idx" ON "ReturnRequestLine"("returnId");

-- CreateIndex
CREATE INDEX "ReturnEvent_returnId_at_idx" ON "ReturnEvent"("returnId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "ReturnEvent_returnId_key_key" ON "ReturnEvent"("returnId", "key");

-- AddForeignKey
ALTER TABLE "ReturnRequest" ADD CONSTRAINT "ReturnRequest_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReturnRequestLine" ADD CONSTRAINT "ReturnRequestLine_returnId_fkey" FOREIGN KEY ("returnId") REFERENCES "ReturnRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReturnEvent" ADD CONSTRAINT "ReturnEvent_returnId_fkey" FOREIGN KEY ("returnId") REFERENCES "ReturnRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The states a return can be in (app/domain/returns.ts), and what a shopper may prefer.
ALTER TABLE "ReturnRequest" ADD CONSTRAINT "ReturnRequest_status_valid" CHECK ("status" IN ('requesting', 'failed', 'requested', 'open', 'declined', 'canceled', 'closed'));
ALTER TABLE "ReturnRequest" ADD CONSTRAINT "ReturnRequest_origin_valid" CHECK ("origin" IN ('shopper', 'shopify'));
ALTER TABLE "ReturnRequest" ADD CONSTRAINT "ReturnRequest_outcome_valid" CHECK ("outcome" IS NULL OR "outcome" IN ('refund', 'store_credit'));
ALTER TABLE "ReturnRequestLine" ADD CONSTRAINT "ReturnRequestLine_quantity_positive" CHECK ("quantity" > 0);

-- Return events are append-only, like claim events (DELETE only through the return's cascade).
CREATE TRIGGER "ReturnEvent_no_update" BEFORE UPDATE ON "ReturnEvent"
  FOR EACH ROW EXECUTE FUNCTION "postventa_append_only"();
