-- Reconciling an order reads its ledger entries by order id: without this index, a scan of the
-- whole ledger on every order event.
CREATE INDEX "PointsLedgerEntry_shop_orderId_idx" ON "PointsLedgerEntry"("shop", "orderId");
