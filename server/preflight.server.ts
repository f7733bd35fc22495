// Checks both processes (web and worker) make before anything else: a missing or malformed
// setting stops the start with what to do, instead of failing deep in a job at first use.
import { assertEncryptionKey } from "../app/secrets.server.ts";

export function preflight(): void {
  try {
    assertEncryptionKey();
  } catch (e) {
    console.error(`Postventa cannot start: ${(e as Error).message}`);
    process.exit(1);
  }
}
