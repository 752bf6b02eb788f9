// How the controller under test is run: compiled, as in production. At the start of a run the benchmark compiles
// run-controller.ts and what it imports (the CLI's controller command and the controller) with the repository's
// tsc into the temp folder, and runs that with plain node (packages found through NODE_PATH). Running it under tsx
// instead would add about 30 MB of resident memory per process (the loader and esbuild) to the second mode's
// figures. Type errors do not stop the build (tsc still emits; the lead's work in progress may have some); when
// nothing is emitted the controller runs from the sources under tsx, and the report says so.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONTROLLER_NODE_FLAGS } from "../../sdk/controller-node-flags";

const ROOT = join(__dirname, "..", "..");
const RUNNER = join(__dirname, "run-controller.ts");

export interface ControllerEntry {
  /** node arguments before the controller's flags. */
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** For the report: "compiled by tsc" or why it runs under tsx. */
  readonly description: string;
}

export function buildController(dir: string, log: (line: string) => void): ControllerEntry {
  const outDir = join(dir, "build");
  const config = join(dir, "tsconfig.controller.json");
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(ROOT, "tsconfig.json"),
      compilerOptions: { noEmit: false, rootDir: ROOT, outDir, declaration: false, sourceMap: false },
      include: [],
      files: [RUNNER],
    }),
  );
  const t0 = performance.now();
  const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", config], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const runner = join(outDir, "bench/proxy/run-controller.js");
  if (!existsSync(runner)) {
    const why = `${tsc.stdout ?? ""}${tsc.stderr ?? ""}`.trim().split("\n").slice(0, 3).join(" / ");
    log(`compiling the controller failed (${why}); running it from the sources under tsx`);
    return {
      args: [...CONTROLLER_NODE_FLAGS, "--import", "tsx", RUNNER],
      env: process.env,
      description:
        "run from the sources under tsx (the tsc build failed; RSS includes about 30 MB of loader)",
    };
  }
  const errors = (tsc.stdout.match(/error TS\d+/g) ?? []).length;
  log(
    `compiled the controller in ${Math.round(performance.now() - t0)} ms${errors ? ` (${errors} type errors)` : ""}`,
  );
  return {
    // With the node flags of the image and the builtin gateway's pods.
    args: [...CONTROLLER_NODE_FLAGS, runner],
    env: { ...process.env, NODE_PATH: join(ROOT, "node_modules") },
    description: `compiled by tsc into the temp folder, run by node${errors ? ` (tsc reported ${errors} type errors)` : ""}`,
  };
}
