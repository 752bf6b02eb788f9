// Runs `ingress-kit controller` from the TypeScript sources (node --import tsx), for end-to-end CLI tests.
// cluster.fork() re-runs this file in each worker with the same arguments.
import { runControllerCommand } from "../../sdk/cli/controller";

runControllerCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
