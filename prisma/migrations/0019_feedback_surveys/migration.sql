-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "feedbackRules" JSONB;

-- CreateTable
CREATE TABLE "FulfillmentDelivery" (
    "shop" TEXT NOT NULL,
    "fulfillmentId" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "deliveredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FulfillmentDelivery_pkey" PRIMARY KEY ("shop","fulfillmentId")
);

-- CreateTable
CREATE TABLE "SurveyInvitation" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "about" TEXT NOT NULL,
    "aboutId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "answeredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyInvitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyAnswer" (
    "id" BIGSERIAL NOT NULL,
    "invitationId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "category" TEXT,
    "comment" TEXT,
    "themes" TEXT[],
    "reviewInvite" BOOLEAN NOT NULL DEFAULT false,
    "channel" TEXT NOT NULL,
    "answeredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FulfillmentDelivery_shop_shopifyOrderId_idx" ON "FulfillmentDelivery"("shop", "shopifyOrderId");

-- CreateIndex
CREATE INDEX "SurveyInvitation_customerId_kind_dueAt_idx" ON "SurveyInvitation"("customerId", "kind", "dueAt");

-- CreateIndex
CREATE INDEX "SurveyInvitation_shop_dueAt_idx" ON "SurveyInvitation"("shop", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyInvitation_shop_key_key" ON "SurveyInvitation"("shop", "key");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyAnswer_invitationId_key" ON "SurveyAnswer"("invitationId");

-- CreateIndex
CREATE INDEX "SurveyAnswer_shop_kind_answeredAt_idx" ON "SurveyAnswer"("shop", "kind", "answeredAt");

-- CreateIndex
CREATE INDEX "SurveyAnswer_customerId_kind_answeredAt_idx" ON "SurveyAnswer"("customerId", "kind", "answeredAt");

-- AddForeignKey
ALTER TABLE "SurveyInvitation" ADD CONSTRAINT "SurveyInvitation_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyAnswer" ADD CONSTRAINT "SurveyAnswer_invitationId_fkey" FOREIGN KEY ("invitationId") REFERENCES "SurveyInvitation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyAnswer" ADD CONSTRAINT "SurveyAnswer_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Answers are append-only: the only change allowed is a redaction emptying the shopper's words
-- (comment and the themes read from it).
CREATE FUNCTION "postventa_survey_answer_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.comment IS NULL AND NEW.themes = '{}'
     AND (NEW.id, NEW."invitationId", NEW.shop, NEW."customerId", NEW.kind, NEW.score, NEW.category, NEW."reviewInvite", NEW.channel, NEW."answeredAt")
         IS NOT DISTINCT FROM
         (OLD.id, OLD."invitationId", OLD.shop, OLD."customerId", OLD.kind, OLD.score, OLD.category, OLD."reviewInvite", OLD.channel, OLD."answeredAt")
  THEN RETURN NEW; END IF;
  RAISE EXCEPTION 'SurveyAnswer is append-only (a redaction may only empty its comment)';
END $$;
CREATE TRIGGER "SurveyAnswer_no_update" BEFORE UPDATE ON "SurveyAnswer"
  FOR EACH ROW EXECUTE FUNCTION "postventa_survey_answer_append_only"();
