-- AlterTable
ALTER TABLE "HubSpotConnection" ADD COLUMN     "refreshingUntil" TIMESTAMP(3),
ADD COLUMN     "tokenVersion" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "HubSpotOAuthState" (
    "stateHash" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "browserHash" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HubSpotOAuthState_pkey" PRIMARY KEY ("stateHash")
);

-- CreateIndex
CREATE INDEX "HubSpotOAuthState_expiresAt_idx" ON "HubSpotOAuthState"("expiresAt");

-- CreateIndex
CREATE INDEX "HubSpotOAuthState_shop_idx" ON "HubSpotOAuthState"("shop");
