// `npm run worker` with the HubSpot sync tuned as a test asks (argv[2], JSON): how tests pass their
// knobs to a worker process of its own, without production environment variables.
import { tuneHubSpotSync } from "../app/hubspot/tuning.server.ts";

tuneHubSpotSync(JSON.parse(process.argv[2] ?? "{}"));
await import("../server/worker-main.ts");
