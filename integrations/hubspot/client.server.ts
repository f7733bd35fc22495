// The one module that talks to HubSpot (through @hubspot/api-client). Tests and the demo point
// `basePath` at the local sandbox; production leaves it unset.
import { Client } from "@hubspot/api-client";
import { CONTACT_PROPERTIES, PROPERTY_GROUP } from "./properties";

export function hubspotClient(accessToken: string): Client {
  // Retries are ours (the sync job), so one budget accounting decides when to call again.
  return new Client({ accessToken, basePath: process.env.HUBSPOT_BASE_URL || undefined, numberOfApiCallRetries: 0 });
}

const status = (e: unknown) => (e as { code?: number })?.code;

// Idempotent: creates the "Postventa" group and whichever properties are missing, nothing else.
// Returns the names it created.
export async function ensureContactProperties(client: Client): Promise<string[]> {
  try {
    await client.crm.properties.groupsApi.create("contacts", { ...PROPERTY_GROUP });
  } catch (e) {
    if (status(e) !== 409) throw e; // already there
  }
  const existing = await client.crm.properties.coreApi.getAll("contacts");
  const have = new Set(existing.results.map((p) => p.name));
  const missing = CONTACT_PROPERTIES.filter((p) => !have.has(p.name));
  if (!missing.length) return [];
  await client.crm.properties.batchApi.create("contacts", {
    inputs: missing.map((p) => ({ ...p, groupName: PROPERTY_GROUP.name })) as never,
  });
  return missing.map((p) => p.name);
}
