// How the HubSpot sync paces itself. Production runs these values; tests turn them with
// tuneHubSpotSync (in their own process, or passed to a worker process they start), never through
// the environment.
import { requestTiming } from "../../integrations/hubspot/client.server";

export const tuning = {
  batchSize: 100, // records per request (HubSpot's batch maximum)
  lanes: 3, // requests in flight per shop: the budget stays busy while a batch's database work is done
  maxTransientInARow: 5, // 5xx or timeouts before the job yields and retries in a minute
  coalesceMs: 2000, // how long a change waits for others to share its sync
  // A little longer than HubSpot's 10 s: our stamp is taken before the request travels, HubSpot's after.
  rollingWindowMs: 10_250,
  ticketsRecheckMs: 15 * 60_000, // tickets waiting for a scope or a pipeline stage: how often to look again
};

// requestTimeoutMs: a request without an answer is aborted; landingGraceMs: how long after that a
// send is still uncertain (HubSpot may be applying it), before the sync looks whether it landed.
export type Tuning = typeof tuning & { requestTimeoutMs: number; landingGraceMs: number };

export function tuneHubSpotSync(over: Partial<Tuning>): void {
  const { requestTimeoutMs, landingGraceMs, ...rest } = over;
  if (rest.batchSize !== undefined) rest.batchSize = Math.min(100, rest.batchSize);
  Object.assign(tuning, rest);
  if (requestTimeoutMs !== undefined) requestTiming.timeoutMs = requestTimeoutMs;
  if (landingGraceMs !== undefined) requestTiming.landingGraceMs = landingGraceMs;
}
