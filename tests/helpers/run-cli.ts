// Runs the `ingress-kit` command: in-process through main() (fast, for most cases), or as a real process
// through bin/ingress-kit.js on the built package (for exit codes, standard input and colour).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { main } from "../../sdk/cli/main";

export const repoRoot = join(__dirname, "..", "..");
export const fixture = (name: string) => join(repoRoot, "tests", "fixtures", name);

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(...argv: string[]): Promise<CliResult> {
  const out = new Capture();
  const err = new Capture();
  const code = await main(argv, { out, err });
  return { code, stdout: out.text, stderr: err.text };
}

/** Runs bin/ingress-kit.js as a child process; the package must be built (npm test builds it first). */
export function runCliProcess(
  argv: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  if (!existsSync(join(repoRoot, "dist", "cli", "main.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (npm test does it first)");
  }
  const result = spawnSync(process.execPath, [join(repoRoot, "bin", "ingress-kit.js"), ...argv], {
    input: options.input ?? "",
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "0", ...options.env },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the CLI from its TypeScript source in a child process (no build needed). Commands that load a Pulumi
 * program (render) need a process of their own: Pulumi's runtime state is global.
 */
export function runCliSource(argv: string[], options: { timeoutMs?: number; cwd?: string } = {}): CliResult {
  const script = `require(${JSON.stringify(join(repoRoot, "sdk", "cli", "main.ts"))}).main(${JSON.stringify(argv)}).then((code) => { process.exitCode = code; })`;
  const result = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: options.cwd ?? repoRoot,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 180_000,
    env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "0" },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
