// Through the real SDK against the local HubSpot sandbox.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubSpotSandbox, type HubSpotSandbox } from "../../test/sandboxes/hubspot/server";
import { ensureContactProperties, hubspotClient } from "./client.server";
import { CONTACT_PROPERTIES } from "./properties";

let sandbox: HubSpotSandbox;
beforeAll(async () => {
  sandbox = await startHubSpotSandbox();
  process.env.HUBSPOT_BASE_URL = sandbox.url;
});
afterAll(async () => sandbox?.close());

describe("Postventa contact properties", () => {
  it("are created once, with HubSpot's types, and a second run changes nothing", async () => {
    const { portalId, privateAppToken } = sandbox.createPortal();
    const client = hubspotClient(privateAppToken);
    expect(await ensureContactProperties(client)).toHaveLength(CONTACT_PROPERTIES.length);
    expect(await ensureContactProperties(client)).toEqual([]);
    const state = sandbox.state(portalId) as unknown as {
      properties: Record<string, Array<{ name: string; type: string; groupName: string; options?: unknown[] }>>;
    };
    const ours = state.properties.contacts.filter((p) => p.name.startsWith("postventa_"));
    expect(ours).toHaveLength(CONTACT_PROPERTIES.length);
    expect(ours.every((p) => p.groupName === "postventa")).toBe(true);
    expect(ours.find((p) => p.name === "postventa_nps_category")).toMatchObject({
      type: "enumeration",
      options: expect.arrayContaining([expect.objectContaining({ value: "promoter" })]),
    });
    expect(ours.find((p) => p.name === "postventa_last_order_date")?.type).toBe("date");
  });
  it("keeps two HubSpot accounts apart", async () => {
    const a = sandbox.createPortal();
    const b = sandbox.createPortal();
    await ensureContactProperties(hubspotClient(a.privateAppToken));
    const stateB = sandbox.state(b.portalId) as unknown as { properties: Record<string, Array<{ name: string }>> };
    expect((stateB.properties.contacts ?? []).some((p) => p.name.startsWith("postventa_"))).toBe(false);
  });
});
