-- AlterTable
ALTER TABLE "WarrantyRegistration" ADD COLUMN     "awaitingDelivery" BOOLEAN NOT NULL DEFAULT false;

-- The Settings page's after-sale sections (calendar, care, churn: Shop.lifecycleRules; surveys: Shop.feedbackRules).
ALTER TABLE "ShopRulesChange" DROP CONSTRAINT "ShopRulesChange_section_check";
ALTER TABLE "ShopRulesChange" ADD CONSTRAINT "ShopRulesChange_section_check"
  CHECK ("section" IN ('loyalty', 'tiers', 'rewards', 'warranty', 'returns', 'calendar', 'care', 'churn', 'surveys'));
