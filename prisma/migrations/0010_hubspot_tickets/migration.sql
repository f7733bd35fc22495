-- AlterTable
ALTER TABLE "HubSpotConnection" ADD COLUMN     "ticketPipeline" JSONB,
ADD COLUMN     "ticketsReason" TEXT,
ADD COLUMN     "ticketsRetryAt" TIMESTAMP(3),
ADD COLUMN     "ticketsWaiting" TEXT;

-- CreateTable
CREATE TABLE "HubSpotTicket" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "syncedVersion" INTEGER NOT NULL DEFAULT 0,
    "sendingVersion" INTEGER,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "hubspotTicketId" TEXT,
    "syncedPortalId" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sendingAt" TIMESTAMP(3),
    "syncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HubSpotTicket_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "HubSpotTicket_shop_state_id_idx" ON "HubSpotTicket"("shop", "state", "id");

-- CreateIndex
CREATE INDEX "HubSpotTicket_customerId_kind_idx" ON "HubSpotTicket"("customerId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "HubSpotTicket_shop_key_key" ON "HubSpotTicket"("shop", "key");

-- AddForeignKey
ALTER TABLE "HubSpotTicket" ADD CONSTRAINT "HubSpotTicket_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
