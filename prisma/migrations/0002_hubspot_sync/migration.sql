-- CreateTable
CREATE TABLE "HubSpotConnection" (
    "shop" TEXT NOT NULL,
    "portalId" TEXT NOT NULL,
    "authType" TEXT NOT NULL,
    "accessTokenEnc" TEXT NOT NULL,
    "refreshTokenEnc" TEXT,
    "accessTokenExpiry" TIMESTAMP(3),
    "scopes" TEXT[],
    "timeZone" TEXT,
    "useTimelineEvents" BOOLEAN NOT NULL DEFAULT false,
    "rollingLimit" INTEGER NOT NULL DEFAULT 110,
    "state" TEXT NOT NULL DEFAULT 'active',
    "pausedReason" TEXT,
    "pausedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "lastSyncAt" TIMESTAMP(3),
    "backfillStartedAt" TIMESTAMP(3),
    "backfillFinishedAt" TIMESTAMP(3),
    "connectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HubSpotConnection_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "HubSpotContactSync" (
    "customerId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "syncedVersion" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "hubspotContactId" TEXT,
    "syncedEmail" TEXT,
    "syncedPortalId" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "syncedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HubSpotContactSync_pkey" PRIMARY KEY ("customerId")
);

-- CreateTable
CREATE TABLE "HubSpotInteraction" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "hubspotObjectId" TEXT,
    "syncedPortalId" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sendingAt" TIMESTAMP(3),
    "sentAs" TEXT,
    "syncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HubSpotInteraction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HubSpotRequestSlot" (
    "id" BIGSERIAL NOT NULL,
    "accountKey" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HubSpotRequestSlot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "HubSpotContactSync_shop_state_updatedAt_idx" ON "HubSpotContactSync"("shop", "state", "updatedAt");

-- CreateIndex
CREATE INDEX "HubSpotInteraction_shop_state_id_idx" ON "HubSpotInteraction"("shop", "state", "id");

-- CreateIndex
CREATE INDEX "HubSpotInteraction_customerId_idx" ON "HubSpotInteraction"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "HubSpotInteraction_shop_key_key" ON "HubSpotInteraction"("shop", "key");

-- CreateIndex
CREATE INDEX "HubSpotRequestSlot_accountKey_sentAt_idx" ON "HubSpotRequestSlot"("accountKey", "sentAt");

-- AddForeignKey
ALTER TABLE "HubSpotContactSync" ADD CONSTRAINT "HubSpotContactSync_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HubSpotInteraction" ADD CONSTRAINT "HubSpotInteraction_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
