-- AlterTable
ALTER TABLE "WarrantyRegistration" ADD COLUMN     "policyCheckPending" BOOLEAN NOT NULL DEFAULT false;
