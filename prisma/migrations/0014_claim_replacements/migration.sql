-- AlterTable
ALTER TABLE "WarrantyClaim" DROP COLUMN "draftOrderId";

-- CreateTable
CREATE TABLE "ClaimReplacement" (
    "claimId" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "shop" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attemptedAt" TIMESTAMP(3),
    "draftOrderId" TEXT,
    "draftOrderName" TEXT,
    "failure" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClaimReplacement_pkey" PRIMARY KEY ("claimId","round")
);

-- CreateIndex
CREATE UNIQUE INDEX "ClaimReplacement_shop_tag_key" ON "ClaimReplacement"("shop", "tag");

-- AddForeignKey
ALTER TABLE "ClaimReplacement" ADD CONSTRAINT "ClaimReplacement_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "WarrantyClaim"("id") ON DELETE CASCADE ON UPDATE CASCADE;
