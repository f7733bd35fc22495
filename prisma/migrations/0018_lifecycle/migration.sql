-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "lifecycleRules" JSONB;

-- CreateTable
CREATE TABLE "CustomerLifecycle" (
    "customerId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "properties" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerLifecycle_pkey" PRIMARY KEY ("customerId")
);

-- CreateTable
CREATE TABLE "OwnerNotice" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OwnerNotice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CustomerLifecycle_shop_idx" ON "CustomerLifecycle"("shop");

-- CreateIndex
CREATE INDEX "WarrantyRegistration_shop_productId_idx" ON "WarrantyRegistration"("shop", "productId");

-- CreateIndex
CREATE INDEX "OwnerNotice_shop_productId_idx" ON "OwnerNotice"("shop", "productId");

-- AddForeignKey
ALTER TABLE "CustomerLifecycle" ADD CONSTRAINT "CustomerLifecycle_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
