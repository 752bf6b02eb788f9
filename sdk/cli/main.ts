// The `ingress-kit` command: one file per subcommand, dispatched here.
import { readFileSync } from "node:fs";
import { runCheck, CHECK_USAGE } from "./check";
import { ExitCode, UsageError } from "./exit-codes";
import { runRender, RENDER_USAGE } from "./render";
import { runRoute, ROUTE_USAGE } from "./route";
import { writeLine, type Output } from "./terminal";

export const USAGE = `Usage: ingress-kit <command> [options]

Commands:
  check FILE... | -                validate Ingress manifests and find conflicts between them
  route FILE... --host H --path P  explain which backend serves a request, and why
  render PROGRAM_DIR               print the Kubernetes objects a Pulumi program would create, offline
  controller [flags]               run the bundled ingress controller

Run "ingress-kit <command> --help" for a command's options.`;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(require.resolve("../../package.json"), "utf8")) as { version: string };
  return pkg.version;
}

function readStdin(): string {
  return readFileSync(0, "utf8");
}

/** Runs the command line and resolves to the exit code; never rejects. */
export async function main(
  argv: string[],
  io: Output = { out: process.stdout, err: process.stderr },
): Promise<number> {
  const [command, ...rest] = argv;
  const context = { ...io, readStdin };
  try {
    switch (command) {
      case "check":
        return await runCheck(rest, context);
      case "route":
        return await runRoute(rest, context);
      case "render":
        return await runRender(rest, io);
      case "controller": {
        const { runControllerCommand } = await import("./controller.js");
        return await runControllerCommand(rest);
      }
      case "--version":
      case "-v":
        writeLine(io.out, packageVersion());
        return ExitCode.Ok;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        writeLine(io.out, USAGE);
        return command === undefined ? ExitCode.Unreadable : ExitCode.Ok;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`, USAGE);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      writeLine(io.err, `ingress-kit: ${error.message}\n\n${error.usage}`);
      return ExitCode.Unreadable;
    }
    // parseArgs reports unknown or malformed options with a code of its own.
    const code = (error as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      const usage = { check: CHECK_USAGE, route: ROUTE_USAGE, render: RENDER_USAGE }[command ?? ""] ?? USAGE;
      writeLine(io.err, `ingress-kit: ${(error as Error).message}\n\n${usage}`);
      return ExitCode.Unreadable;
    }
    writeLine(io.err, `ingress-kit: ${error instanceof Error ? error.message : String(error)}`);
    return ExitCode.Unreadable;
  }
}
