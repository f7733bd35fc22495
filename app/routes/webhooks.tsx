import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/inbox.server";

// Every subscribed topic (shopify.app.toml) is delivered here.
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request);
