-- AlterTable
ALTER TABLE "HubSpotConnection" DROP COLUMN "useTimelineEvents";

-- AlterTable
ALTER TABLE "HubSpotInteraction" DROP COLUMN "sentAs";
