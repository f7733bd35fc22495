// Shopify's mandatory compliance webhooks.
// customers/redact erases the customer's personal data for good: their rows lose it, the orders
// named keep only what carries none, unprocessed inbox bodies about them are scrubbed (matched
// exactly on the columns intake extracted, never by substring), and a tombstone makes whatever
// arrives about them later lose it too. The ledger and warranties stay, anonymous: the merchant's
// accounting needs them, and they never held personal data.
// shop/redact deletes everything of the shop. customers/data_request keeps one export per request.
import { forgetDashboard } from "../dashboard.server";
import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { orderFactsWithoutPersonalData, type OrderFacts } from "../domain/facts";
import { scrubWebhookBody } from "../../integrations/shopify/personal-data";
import { emailHash, holdShopForRedaction } from "./tombstone.server";
import { COMPLIANCE_REQUESTS } from "../webhooks/topics";
import { uncertainAfterMs } from "../../integrations/hubspot/client.server";
import { requestSync } from "../hubspot/connection.server";

interface Who {
  customerId: string | null;
  email: string | null;
}

// The customer rows a request is about: by Shopify id or email, and the guests they claimed.
async function findCustomers(tx: Prisma.TransactionClient, shop: string, who: Who) {
  const direct = await tx.customer.findMany({
    where: {
      shop,
      OR: [
        ...(who.customerId ? [{ shopifyCustomerId: who.customerId }] : []),
        ...(who.email ? [{ email: who.email }, { guestEmail: who.email }] : []),
      ],
    },
  });
  if (!direct.length) return direct;
  const claimed = await tx.customer.findMany({ where: { shop, claimedById: { in: direct.map((c) => c.id) } } });
  return [...direct, ...claimed.filter((g) => !direct.some((c) => c.id === g.id))];
}

// Who a request is about, as intake records it on each delivery: Shopify ids and email hashes.
function subjectsOf(
  shop: string,
  req: Who,
  customers: Array<{ shopifyCustomerId: string | null; email: string | null; guestEmail: string | null }>,
) {
  const present = (v: string | null): v is string => !!v;
  return {
    shopifyIds: [...new Set([req.customerId, ...customers.map((c) => c.shopifyCustomerId)].filter(present))],
    hashes: [...new Set([req.email, ...customers.flatMap((c) => [c.email, c.guestEmail])].filter(present).map((e) => emailHash(shop, e)))],
  };
}

// The deliveries about those subjects or orders, matched exactly on intake's extracted columns.
function deliveriesAbout(subjects: { shopifyIds: string[]; hashes: string[] }, orderIds: string[]): Prisma.WebhookDeliveryWhereInput[] {
  return [{ subjectCustomerId: { in: subjects.shopifyIds } }, { subjectEmailHash: { in: subjects.hashes } }, { orderId: { in: orderIds } }];
}

export async function redactCustomer(shop: string, req: Who & { ordersToRedact: string[] }) {
  let erasing = false;
  await prisma.$transaction(
    async (tx) => {
      await holdShopForRedaction(tx, shop);
      const customers = await findCustomers(tx, shop, req);
      const ids = customers.map((c) => c.id);
      const subjects = subjectsOf(shop, req, customers);

      for (const shopifyCustomerId of subjects.shopifyIds)
        await tx.$executeRaw`INSERT INTO "RedactedCustomer" (shop, "shopifyCustomerId")
        SELECT ${shop}, ${shopifyCustomerId} WHERE NOT EXISTS (SELECT 1 FROM "RedactedCustomer" WHERE shop = ${shop} AND "shopifyCustomerId" = ${shopifyCustomerId})`;
      for (const hash of subjects.hashes)
        await tx.$executeRaw`INSERT INTO "RedactedCustomer" (shop, "emailHash")
        SELECT ${shop}, ${hash} WHERE NOT EXISTS (SELECT 1 FROM "RedactedCustomer" WHERE shop = ${shop} AND "emailHash" = ${hash})`;

      await tx.customer.updateMany({
        where: { id: { in: ids } },
        data: {
          email: null,
          guestEmail: null,
          firstName: null,
          lastName: null,
          phone: null,
          tags: [],
          marketingConsent: null,
          birthMonth: null,
          birthDay: null,
          redactedAt: new Date(),
        },
      });
      // The shopper's own words about a broken unit; the claim itself (status, dates) stays, anonymous.
      await tx.warrantyClaim.updateMany({ where: { customerId: { in: ids } }, data: { description: null, rejectionReason: null } }); // the merchant's reply may quote them
      // Their photos (a home, a face) go for good; a photo sent later finds no claim of theirs (404).
      await tx.warrantyClaimPhoto.deleteMany({ where: { claim: { customerId: { in: ids } } } });
      // A survey comment is the shopper's own words (and its themes were read from them); the score stays, anonymous, for the shop's NPS.
      await tx.surveyAnswer.updateMany({ where: { customerId: { in: ids }, comment: { not: null } }, data: { comment: null, themes: [] } });
      const orders = await tx.order.findMany({
        where: { shop, OR: [{ customerId: { in: ids } }, { shopifyOrderId: { in: req.ordersToRedact } }] },
        select: { shopifyOrderId: true, facts: true },
      });
      // A return's note is the shopper's own words, its decline note the merchant's words to them: both
      // go, on their returns and on any return of the orders named. The return itself (lines,
      // reasons, dates) stays, anonymous: the merchant's measures need it.
      await tx.returnRequest.updateMany({
        where: {
          shop,
          OR: [{ customerId: { in: ids } }, { shopifyOrderId: { in: [...req.ordersToRedact, ...orders.map((o) => o.shopifyOrderId)] } }],
        },
        data: { note: null, declineNote: null },
      });
      for (const o of orders)
        if (o.facts)
          await tx.order.update({
            where: { shop_shopifyOrderId: { shop, shopifyOrderId: o.shopifyOrderId } },
            data: { facts: orderFactsWithoutPersonalData(o.facts as unknown as OrderFacts) as unknown as Prisma.InputJsonValue },
          });

      // Processed bodies were scrubbed when processed; the ones still waiting are scrubbed now and
      // will be processed without personal data (compliance requests need their subject to act).
      const waiting = await tx.webhookDelivery.findMany({
        where: {
          shop,
          state: { notIn: ["processed", "skipped"] },
          topic: { notIn: COMPLIANCE_REQUESTS },
          OR: deliveriesAbout(subjects, [...req.ordersToRedact, ...orders.map((o) => o.shopifyOrderId)]),
        },
        select: { id: true, payload: true },
      });
      for (const d of waiting) await tx.webhookDelivery.update({ where: { id: d.id }, data: { payload: scrubWebhookBody(d.payload) } });

      // What Postventa wrote in the merchant's HubSpot about them is erased by the sync (notes,
      // tickets and Postventa's contact properties), unless the merchant turned that off; the
      // contact is theirs.
      const conn = await tx.hubSpotConnection.findUnique({ where: { shop }, select: { portalId: true, eraseOnRedact: true } });
      if (conn?.eraseOnRedact) {
        const contacts = await tx.hubSpotContactSync.findMany({
          where: { customerId: { in: ids }, hubspotContactId: { not: null }, syncedPortalId: conn.portalId },
          select: { hubspotContactId: true },
        });
        const notBefore = new Date(Date.now() + uncertainAfterMs()); // after any send about them could still land
        await tx.hubSpotErasure.createMany({
          data: contacts.map((c) => ({ shop, portalId: conn.portalId, contactId: c.hubspotContactId!, notBefore })),
        });
        erasing = contacts.length > 0;
      }
      await tx.complianceRequest.deleteMany({ where: { shop, customerId: { in: ids } } });
      // The HubSpot outbox holds their email and history.
      await tx.hubSpotInteraction.deleteMany({ where: { customerId: { in: ids } } });
      await tx.hubSpotTicket.deleteMany({ where: { customerId: { in: ids } } });
      await tx.hubSpotContactSync.deleteMany({ where: { customerId: { in: ids } } });
      // The daily job's dated facts carry their birthday; the job skips them from now on.
      await tx.customerLifecycle.deleteMany({ where: { customerId: { in: ids } } });
    },
    { timeout: 60_000 },
  );
  if (erasing) await requestSync(shop, uncertainAfterMs() + 100);
}

export async function redactShop(shop: string) {
  await prisma.$transaction([
    prisma.hubSpotErasure.deleteMany({ where: { shop } }),
    prisma.hubSpotInteraction.deleteMany({ where: { shop } }),
    prisma.hubSpotTicket.deleteMany({ where: { shop } }),
    prisma.hubSpotContactSync.deleteMany({ where: { shop } }),
    prisma.customerLifecycle.deleteMany({ where: { shop } }),
    prisma.ownerNotice.deleteMany({ where: { shop } }),
    prisma.hubSpotConnection.deleteMany({ where: { shop } }),
    prisma.hubSpotOAuthState.deleteMany({ where: { shop } }),
    prisma.returnRequest.deleteMany({ where: { shop } }), // its lines and events go with it
    prisma.surveyAnswer.deleteMany({ where: { shop } }),
    prisma.surveyInvitation.deleteMany({ where: { shop } }),
    prisma.fulfillmentDelivery.deleteMany({ where: { shop } }),
    prisma.warrantyRegistration.deleteMany({ where: { shop } }),
    prisma.pointsLedgerEntry.deleteMany({ where: { shop } }),
    prisma.pointsAccount.deleteMany({ where: { shop } }),
    prisma.order.deleteMany({ where: { shop } }),
    prisma.orderRefund.deleteMany({ where: { shop } }),
    prisma.customer.deleteMany({ where: { shop } }),
    prisma.product.deleteMany({ where: { shop } }),
    prisma.complianceRequest.deleteMany({ where: { shop } }),
    prisma.redactedCustomer.deleteMany({ where: { shop } }),
    prisma.session.deleteMany({ where: { shop } }),
    prisma.webhookDelivery.deleteMany({ where: { shop } }),
    prisma.shopRulesChange.deleteMany({ where: { shop } }), // its changedBy names the shop's staff
    prisma.shop.deleteMany({ where: { domain: shop } }),
  ]);
  // After the commit: the deletes' deferred triggers retract the aggregates as they go, and leave
  // rows of zeros behind (the shop's name among them), which this removes.
  await forgetDashboard(shop);
}

// Everything held about the customer, table by table. The same request delivered again (or asked
// again for the same customer) updates its one export rather than adding another.
export async function exportCustomerData(shop: string, req: Who & { dataRequestId: string | null }) {
  const requestKey = req.dataRequestId
    ? `request:${req.dataRequestId}`
    : req.customerId
      ? `customer:${req.customerId}`
      : `email:${emailHash(shop, req.email ?? "")}`;
  const data = await prisma.$transaction(
    async (tx) => {
      const customers = await findCustomers(tx, shop, req);
      const ids = customers.map((c) => c.id);
      const orders = await tx.order.findMany({ where: { shop, customerId: { in: ids } }, orderBy: { createdAt: "asc" } });
      const orderIds = orders.map((o) => o.shopifyOrderId);
      return {
        customers,
        pointsAccounts: await tx.pointsAccount.findMany({ where: { customerId: { in: ids } } }),
        pointsLedger: await tx.pointsLedgerEntry.findMany({ where: { customerId: { in: ids } }, orderBy: { id: "asc" } }),
        orders,
        refunds: await tx.orderRefund.findMany({ where: { shop, shopifyOrderId: { in: orderIds } } }),
        warranties: await tx.warrantyRegistration.findMany({ where: { shop, customerId: { in: ids } } }),
        redemptions: await tx.redemption.findMany({ where: { customerId: { in: ids } }, orderBy: { createdAt: "asc" } }),
        warrantyClaims: await tx.warrantyClaim.findMany({
          where: { customerId: { in: ids } },
          // The photos' bytes stay out of the export (up to 15 MB per claim); what each is, is listed.
          include: { events: true, photos: { select: { id: true, contentType: true, byteSize: true, createdAt: true } } },
          orderBy: { submittedAt: "asc" },
        }),
        returns: await tx.returnRequest.findMany({
          where: { shop, OR: [{ customerId: { in: ids } }, { customerId: null, shopifyOrderId: { in: orderIds } }] },
          include: { lines: true, events: true },
          orderBy: { createdAt: "asc" },
        }),
        surveyInvitations: await tx.surveyInvitation.findMany({ where: { customerId: { in: ids } }, orderBy: { dueAt: "asc" } }),
        surveyAnswers: await tx.surveyAnswer.findMany({ where: { customerId: { in: ids } }, orderBy: { id: "asc" } }),
        hubspotContact: await tx.hubSpotContactSync.findMany({ where: { customerId: { in: ids } } }),
        lifecycle: await tx.customerLifecycle.findMany({ where: { customerId: { in: ids } } }),
        hubspotInteractions: await tx.hubSpotInteraction.findMany({ where: { customerId: { in: ids } }, orderBy: { id: "asc" } }),
        hubspotTickets: await tx.hubSpotTicket.findMany({ where: { customerId: { in: ids } }, orderBy: { id: "asc" } }),
        webhookDeliveries: await tx.webhookDelivery.findMany({
          where: { shop, OR: deliveriesAbout(subjectsOf(shop, req, customers), orderIds) },
          select: { id: true, topic: true, receivedAt: true, state: true, processedAt: true },
        }),
      };
      // One consistent read of a customer's whole history, which can be long: more than Prisma's default 5 s.
    },
    { timeout: 30_000 },
  );
  const exported = JSON.parse(JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) as Prisma.InputJsonValue;
  const customerId = data.customers.find((c) => !c.claimedById)?.id ?? data.customers[0]?.id ?? null;
  await prisma.complianceRequest.upsert({
    where: { shop_topic_requestKey: { shop, topic: "customers/data_request", requestKey } },
    create: { shop, topic: "customers/data_request", requestKey, customerId, requestId: req.dataRequestId, export: exported },
    update: { customerId, export: exported, updatedAt: new Date() },
  });
}
