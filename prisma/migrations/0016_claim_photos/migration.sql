-- CreateTable
CREATE TABLE "WarrantyClaimPhoto" (
    "id" TEXT NOT NULL,
    "claimId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "byteSize" INTEGER NOT NULL,
    "bytes" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WarrantyClaimPhoto_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "WarrantyClaimPhoto_claimId_clientId_key" ON "WarrantyClaimPhoto"("claimId", "clientId");

-- AddForeignKey
ALTER TABLE "WarrantyClaimPhoto" ADD CONSTRAINT "WarrantyClaimPhoto_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "WarrantyClaim"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Photos are already compressed (JPEG, PNG, WebP): store them out of line without trying to compress them again.
ALTER TABLE "WarrantyClaimPhoto" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;
