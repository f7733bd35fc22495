-- AlterTable
ALTER TABLE "ReturnRequest" ADD COLUMN     "merchantAction" TEXT,
ADD COLUMN     "merchantActionAt" TIMESTAMP(3);

-- What the merchant sent from the admin's Returns queue (app/returns/returns-queue.server.ts).
ALTER TABLE "ReturnRequest" ADD CONSTRAINT "ReturnRequest_merchantAction_valid" CHECK ("merchantAction" IS NULL OR "merchantAction" IN ('approve', 'decline'));
