// `ingress-kit check FILE... | -`: validates Ingress manifests and finds conflicts between them.
// Exit codes: 0 nothing found, 1 problems or conflicts found, 2 unreadable input or bad usage.
import { parseArgs } from "node:util";
import { classOf, findConflicts, formatRef, validateIngress, type Conflict, type Problem } from "../matcher";
import { locate, sortObjects, summarizeIgnored, type LocatedIngress } from "./cluster-objects";
import { readManifests } from "./manifest-input";
import { paletteFor, writeLine, type Output } from "./terminal";
import { ExitCode, UsageError } from "./exit-codes";

export const CHECK_USAGE = `Usage: ingress-kit check FILE... | -  [--json] [--ingress-class NAME] [--allow-warnings]

Validates Ingress manifests (YAML or JSON, multi-document, List kinds; folders are read recursively, "-" reads
standard input) and reports invalid objects and conflicts between them: one route sent to two backends, one
TLS host served from two Secrets, two default backends, rules no request can reach.

  --json               print one JSON document instead of text
  --ingress-class NAME check only the Ingresses of this class (default: each class on its own)
  --allow-warnings     exit 0 when only warnings are found

Exit status: 0 nothing found, 1 problems or conflicts found, 2 unreadable input or bad usage.`;

interface LocatedProblem extends Problem {
  readonly file: string;
  readonly line: number;
}

export async function runCheck(argv: string[], io: Output & { readStdin: () => string }): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      "ingress-class": { type: "string" },
      "allow-warnings": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    writeLine(io.out, CHECK_USAGE);
    return ExitCode.Ok;
  }
  if (positionals.length === 0) {
    throw new UsageError("check needs at least one FILE, folder or - (standard input)", CHECK_USAGE);
  }

  const input = readManifests(positionals, io.readStdin);
  if (input.unreadable.length > 0) {
    if (values.json) writeLine(io.out, JSON.stringify({ unreadable: input.unreadable }, null, 2));
    for (const item of input.unreadable) writeLine(io.err, `ingress-kit check: ${item.message}`);
    return ExitCode.Unreadable;
  }

  const sorted = sortObjects(input.objects);
  const ingressClass = values["ingress-class"];
  const inScope = (i: LocatedIngress) =>
    ingressClass === undefined || (classOf(i.ingress) ?? sorted.defaultClass) === ingressClass;
  const ingresses = sorted.ingresses.filter(inScope);
  const where = new Map(sorted.ingresses.map((i) => [formatRef(i.ref), i]));

  const problems: LocatedProblem[] = [
    ...sorted.removedApi.filter(inScope).map((i) => removedApiProblem(i)),
    ...ingresses.flatMap((i) =>
      // Each problem points at the line of its field, so an editor jumps to the offending value.
      validateIngress(i.ingress).map((p) => ({ ...p, file: i.file, line: i.lineOf(p.field) })),
    ),
  ];
  const conflicts = findConflicts(
    ingresses.map((i) => i.ingress),
    ingressClass === undefined
      ? { ...(sorted.defaultClass ? { defaultClassName: sorted.defaultClass } : {}) }
      : { ingressClass, isDefaultClass: sorted.defaultClass === ingressClass },
  );
  const findings = [...problems, ...conflicts];
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.length - errors;
  const failed = errors > 0 || (warnings > 0 && !values["allow-warnings"]);

  if (values.json) {
    writeLine(
      io.out,
      JSON.stringify(
        {
          files: input.files,
          ingresses: ingresses.length,
          ignored: sorted.ignored.map((o) => ({ kind: o.kind, ...o.ref, file: o.file, line: o.line })),
          problems,
          conflicts: conflicts.map((c) => ({
            ...c,
            objects: c.objects.map((o) => ({ ...o, ...fileLine(where.get(formatRef(o))) })),
          })),
          errors,
          warnings,
        },
        null,
        2,
      ),
    );
    return failed ? ExitCode.Found : ExitCode.Ok;
  }

  const colour = paletteFor(io.out);
  const severity = (s: "error" | "warning") =>
    s === "error" ? colour.red("error") : colour.yellow("warning");
  for (const p of problems) {
    writeLine(io.out, `${locate(p)}: ${severity(p.severity)} ${colour.bold(p.code)}: ${p.message}`);
  }
  for (const c of conflicts) {
    writeLine(
      io.out,
      `${conflictLocation(c, where)}: ${severity(c.severity)} ${colour.bold(c.code)}: ${c.message}`,
    );
  }
  if (sorted.ignored.length > 0) {
    writeLine(
      io.out,
      colour.dim(
        `note: ignored ${sorted.ignored.length} object(s) that are not Ingresses (${summarizeIgnored(sorted.ignored)})`,
      ),
    );
  }
  if (ingresses.length === 0 && sorted.removedApi.length === 0) {
    writeLine(
      io.out,
      colour.yellow("note: no Ingress objects in the input (is this the right file or folder?)"),
    );
  }
  const scope = `${ingresses.length} Ingress${ingresses.length === 1 ? "" : "es"} in ${input.files.length} file${input.files.length === 1 ? "" : "s"}`;
  const summary =
    findings.length === 0
      ? colour.green(`✔ ${scope}: no problems`)
      : `${failed ? colour.red("✖") : colour.yellow("!")} ${scope}: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
  writeLine(io.out, summary);
  return failed ? ExitCode.Found : ExitCode.Ok;
}

function fileLine(located: LocatedIngress | undefined): { file?: string; line?: number } {
  return located ? { file: located.file, line: located.line } : {};
}

function conflictLocation(conflict: Conflict, where: Map<string, LocatedIngress>): string {
  const places = conflict.objects
    .map((o) => where.get(formatRef(o)))
    .filter((l): l is LocatedIngress => l !== undefined);
  return [...new Set(places.map(locate))].join(", ") || "(conflict)";
}

function removedApiProblem(i: LocatedIngress): LocatedProblem {
  const apiVersion = String((i.ingress as { apiVersion?: unknown }).apiVersion);
  return {
    code: "ERR_REMOVED_API",
    severity: "error",
    field: "apiVersion",
    object: i.ref,
    file: i.file,
    line: i.line,
    message: `Ingress ${formatRef(i.ref)}: apiVersion ${JSON.stringify(apiVersion)} is not served since Kubernetes 1.22. Rewrite it as networking.k8s.io/v1 (service.name and service.port.number replace serviceName and servicePort).`,
  };
}
