// `run-controller FLAGS...` runs `ingress-kit controller FLAGS...`: the benchmark's controller under test,
// compiled into the temp folder (controller-build.ts) or under tsx. Its own entry file, importing nothing of the
// benchmark, so that cluster workers (which re-run this file) and the memory figures carry only the controller.
import { runControllerCommand } from "../../sdk/cli/controller";

runControllerCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A UsageError (an unknown flag) carries the usage text; print the message only.
    process.stderr.write(
      `ingress-kit controller: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(2);
  },
);
