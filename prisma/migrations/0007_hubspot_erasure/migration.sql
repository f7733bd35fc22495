-- AlterTable
ALTER TABLE "HubSpotConnection" ADD COLUMN     "eraseOnRedact" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "HubSpotErasure" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "portalId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "notBefore" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HubSpotErasure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "HubSpotErasure_shop_notBefore_idx" ON "HubSpotErasure"("shop", "notBefore");
