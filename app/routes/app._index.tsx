import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { programSummary } from "../dashboard.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return programSummary(session.shop);
};

export default function Dashboard() {
  const s = useLoaderData<typeof loader>();
  const tiles: Array<[string, number]> = [
    ["Clientes / Customers", s.customers],
    ["Puntos en circulación / Points outstanding", s.pointsOutstanding],
    ["Garantías activas / Active warranties", s.activeWarranties],
    ["Webhooks pendientes / Webhooks pending", s.pendingDeliveries],
    ["Webhooks fallidos / Webhooks failed", s.failedDeliveries],
  ];
  return (
    <Page title="Postventa">
      <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
        {tiles.map(([label, value]) => (
          <Card key={label}>
            <BlockStack gap="200">
              <Text as="h2" variant="headingSm">
                {label}
              </Text>
              <Text as="p" variant="heading2xl">
                {value.toLocaleString()}
              </Text>
            </BlockStack>
          </Card>
        ))}
      </InlineGrid>
    </Page>
  );
}
