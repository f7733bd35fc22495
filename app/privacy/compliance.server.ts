// Shopify's mandatory compliance webhooks. customers/redact removes the customer's personal data
// (the ledger and warranties stay, anonymous, because the merchant's accounting needs them);
// shop/redact deletes everything of the shop; customers/data_request stores what we hold.
import prisma from "../db.server";

export async function redactCustomer(shop: string, req: { customerId: string | null; email: string | null; phone: string | null; ordersToRedact: string[] }) {
  await prisma.$transaction(async (tx) => {
    const customers = await tx.customer.findMany({
      where: {
        shop,
        OR: [
          ...(req.customerId ? [{ shopifyCustomerId: req.customerId }] : []),
          ...(req.email ? [{ email: req.email }, { guestEmail: req.email }] : []),
        ],
      },
    });
    const ids = customers.map((c) => c.id);
    await tx.customer.updateMany({
      where: { id: { in: ids } },
      data: { email: null, guestEmail: null, firstName: null, lastName: null, phone: null, tags: [], marketingConsent: null, redactedAt: new Date() },
    });
    // Stored order facts carry the email and name: keep the order, drop the personal fields.
    const orders = await tx.order.findMany({ where: { shop, OR: [{ customerId: { in: ids } }, { shopifyOrderId: { in: req.ordersToRedact } }] } });
    for (const o of orders) {
      const facts = o.facts as Record<string, unknown> | null;
      if (facts) await tx.order.update({ where: { shop_shopifyOrderId: { shop, shopifyOrderId: o.shopifyOrderId } }, data: { facts: { ...facts, email: null, customer: null } } });
    }
    // Raw webhook bodies in the inbox hold the same data: delete every one that mentions the customer.
    const needles = [req.customerId, req.email, req.phone, ...customers.map((c) => c.email)].filter((n): n is string => !!n);
    for (const needle of needles)
      await tx.$executeRaw`DELETE FROM "WebhookDelivery" WHERE shop = ${shop} AND topic <> 'customers/redact' AND strpos(lower(payload), lower(${needle})) > 0`;
    await tx.complianceRequest.deleteMany({ where: { shop, customerId: { in: ids } } });
    // The HubSpot outbox holds their email and history; what was already synced lives in the
    // merchant's own HubSpot account, under the merchant's control.
    await tx.hubSpotInteraction.deleteMany({ where: { customerId: { in: ids } } });
    await tx.hubSpotContactSync.deleteMany({ where: { customerId: { in: ids } } });
  });
}

export async function redactShop(shop: string) {
  await prisma.$transaction([
    prisma.hubSpotInteraction.deleteMany({ where: { shop } }),
    prisma.hubSpotContactSync.deleteMany({ where: { shop } }),
    prisma.hubSpotConnection.deleteMany({ where: { shop } }),
    prisma.warrantyRegistration.deleteMany({ where: { shop } }),
    prisma.pointsLedgerEntry.deleteMany({ where: { shop } }),
    prisma.pointsAccount.deleteMany({ where: { shop } }),
    prisma.order.deleteMany({ where: { shop } }),
    prisma.orderRefund.deleteMany({ where: { shop } }),
    prisma.customer.deleteMany({ where: { shop } }),
    prisma.product.deleteMany({ where: { shop } }),
    prisma.complianceRequest.deleteMany({ where: { shop } }),
    prisma.session.deleteMany({ where: { shop } }),
    prisma.webhookDelivery.deleteMany({ where: { shop } }),
    prisma.shop.deleteMany({ where: { domain: shop } }),
  ]);
}

export async function exportCustomerData(shop: string, req: { customerId: string | null; email: string | null; dataRequestId: string | null }) {
  const customer = await prisma.customer.findFirst({
    where: { shop, OR: [...(req.customerId ? [{ shopifyCustomerId: req.customerId }] : []), ...(req.email ? [{ email: req.email }] : [])] },
    include: { account: true, entries: { orderBy: { id: "asc" } }, warranty: true, orders: { select: { shopifyOrderId: true, name: true, createdAt: true } } },
  });
  const exported = customer ? JSON.parse(JSON.stringify(customer, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) : null;
  await prisma.complianceRequest.create({
    data: { shop, topic: "customers/data_request", customerId: customer?.id ?? null, requestId: req.dataRequestId, export: exported },
  });
}
