import prisma from "./db.server";

export async function programSummary(shop: string) {
  const [customers, points, activeWarranties, pendingDeliveries, failedDeliveries] = await Promise.all([
    prisma.customer.count({ where: { shop, claimedById: null } }),
    prisma.pointsAccount.aggregate({ where: { shop }, _sum: { balance: true } }),
    prisma.warrantyRegistration.count({ where: { shop, status: "active", coverageEnd: { gt: new Date() } } }),
    prisma.webhookDelivery.count({ where: { shop, state: "received" } }),
    prisma.webhookDelivery.count({ where: { shop, state: "failed" } }),
  ]);
  return { customers, pointsOutstanding: points._sum.balance ?? 0, activeWarranties, pendingDeliveries, failedDeliveries };
}
