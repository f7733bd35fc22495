-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "warrantyPolicySnapshot" JSONB;

-- AlterTable
ALTER TABLE "ReturnRequest" ADD COLUMN     "storeCreditBonusPercent" INTEGER;

-- CreateTable
CREATE TABLE "ShopRulesChange" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "section" TEXT NOT NULL,
    "rules" JSONB NOT NULL,
    "changedBy" TEXT,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShopRulesChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ShopRulesChange_shop_section_changedAt_idx" ON "ShopRulesChange"("shop", "section", "changedAt");

-- The page saves only these sections; anything else is a bug, not history.
ALTER TABLE "ShopRulesChange" ADD CONSTRAINT "ShopRulesChange_section_check" CHECK ("section" IN ('loyalty', 'rewards', 'warranty', 'returns'));
