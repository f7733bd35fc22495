-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "tierProgram" JSONB;

-- CreateTable
CREATE TABLE "CustomerTier" (
    "customerId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "tierId" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerTier_pkey" PRIMARY KEY ("customerId")
);

-- CreateIndex
CREATE INDEX "CustomerTier_shop_idx" ON "CustomerTier"("shop");

-- AddForeignKey
ALTER TABLE "CustomerTier" ADD CONSTRAINT "CustomerTier_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A tier's welcome reward is a redemption that costs nothing (app/loyalty/tiers.server.ts).
ALTER TABLE "Redemption" DROP CONSTRAINT "Redemption_cost_positive";
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_cost_not_negative" CHECK ("cost" >= 0);

-- The tiers are a section of the Settings page.
ALTER TABLE "ShopRulesChange" DROP CONSTRAINT "ShopRulesChange_section_check";
ALTER TABLE "ShopRulesChange" ADD CONSTRAINT "ShopRulesChange_section_check" CHECK ("section" IN ('loyalty', 'tiers', 'rewards', 'warranty', 'returns'));
