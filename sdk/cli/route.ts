// `ingress-kit route FILE... --host H --path P`: which backend serves a request, the rule that matched, and why
// it beat every other rule that also matched. Exit 0 when a backend serves it, 1 when nothing does (a 404).
import { parseArgs } from "node:util";
import { classOf, explainMatch, formatBackend, formatRef, compileRoutes } from "../matcher";
import { locate, sortObjects } from "./cluster-objects";
import { ExitCode, UsageError } from "./exit-codes";
import { readManifests } from "./manifest-input";
import { paletteFor, writeLine, type Output } from "./terminal";

export const ROUTE_USAGE = `Usage: ingress-kit route FILE... | -  --host HOST [--path PATH] [--ingress-class NAME] [--json]

Prints which backend serves a request to HOST and PATH according to the Ingress manifests, the rule that
matched, and why it beat the other rules that also matched. PATH defaults to "/" and may carry a query.

  --host HOST          the request's Host header (or TLS server name); a port is ignored
  --path PATH          the request path (default "/")
  --ingress-class NAME consider only the Ingresses of this class (default: all)
  --json               print one JSON document instead of text

Exit status: 0 a backend serves the request, 1 nothing does (the controller answers 404), 2 unreadable input or bad usage.`;

export async function runRoute(argv: string[], io: Output & { readStdin: () => string }): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: "string" },
      path: { type: "string", default: "/" },
      "ingress-class": { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    writeLine(io.out, ROUTE_USAGE);
    return ExitCode.Ok;
  }
  if (positionals.length === 0) {
    throw new UsageError("route needs at least one FILE, folder or - (standard input)", ROUTE_USAGE);
  }
  if (values.host === undefined || values.host === "") {
    throw new UsageError("route needs --host", ROUTE_USAGE);
  }

  const input = readManifests(positionals, io.readStdin);
  if (input.unreadable.length > 0) {
    for (const item of input.unreadable) writeLine(io.err, `ingress-kit route: ${item.message}`);
    return ExitCode.Unreadable;
  }
  const sorted = sortObjects(input.objects);
  const ingressClass = values["ingress-class"];
  if (ingressClass === undefined) {
    // Each controller serves one class: routing the classes together would explain a request no controller sees.
    const classes = [
      ...new Set(sorted.ingresses.map((i) => classOf(i.ingress) ?? sorted.defaultClass ?? "(no class)")),
    ].sort();
    if (classes.length > 1) {
      throw new UsageError(
        `the input holds Ingresses of several classes (${classes.join(", ")}): pass --ingress-class NAME`,
        ROUTE_USAGE,
      );
    }
  }
  const options =
    ingressClass === undefined ? {} : { ingressClass, isDefaultClass: sorted.defaultClass === ingressClass };
  const objects = sorted.ingresses.map((i) => i.ingress);
  const explanation = explainMatch(objects, values.host, values.path, options);
  const tls = compileRoutes(objects, options).tlsSecretFor(values.host);
  const where = new Map(sorted.ingresses.map((i) => [formatRef(i.ref), locate(i)]));
  const match = explanation.match;

  if (values.json) {
    writeLine(
      io.out,
      JSON.stringify(
        {
          request: { host: explanation.host, path: explanation.path },
          match,
          tls,
          losers: explanation.losers,
          skipped: explanation.skipped,
        },
        null,
        2,
      ),
    );
    return match ? ExitCode.Ok : ExitCode.Found;
  }

  const colour = paletteFor(io.out);
  writeLine(
    io.out,
    `${colour.bold("request")}  host ${JSON.stringify(explanation.host)}, path ${JSON.stringify(explanation.path)}${explanation.path !== values.path ? colour.dim(` (normalised from ${JSON.stringify(values.path)})`) : ""}`,
  );
  if (match === null) {
    writeLine(
      io.out,
      `${colour.red("→ no backend")}: no rule matches and there is no default backend; the controller answers 404`,
    );
  } else {
    const ingressAt = `Ingress ${formatRef(match.ingress)}${where.has(formatRef(match.ingress)) ? ` (${where.get(formatRef(match.ingress))})` : ""}`;
    writeLine(
      io.out,
      `${colour.green("→")} ${colour.bold(formatBackend(match.backend, match.ingress.namespace))}`,
    );
    if (match.kind === "defaultBackend") {
      writeLine(
        io.out,
        `  rule     the default backend (spec.defaultBackend) of ${ingressAt}: no rule matches this host and path`,
      );
    } else {
      writeLine(
        io.out,
        `  rule     ${match.pathType} ${JSON.stringify(match.path)} on ${match.host === "" ? "any host" : `host ${JSON.stringify(match.host)}`}, spec.rules[${match.ruleIndex}].http.paths[${match.pathIndex}] of ${ingressAt}`,
      );
    }
  }
  if (tls) {
    writeLine(
      io.out,
      `  tls      secret ${tls.namespace}/${tls.secretName} serves server name ${JSON.stringify(explanation.host)} (tls host ${JSON.stringify(tls.host)})`,
    );
  }
  for (const loser of explanation.losers) {
    writeLine(
      io.out,
      `  ${colour.dim("beat")}     ${loser.pathType} ${JSON.stringify(loser.path)} on ${loser.host === "" ? "any host" : `host ${JSON.stringify(loser.host)}`} of Ingress ${formatRef(loser.ingress)} → ${formatBackend(loser.backend, loser.ingress.namespace)}: ${loser.explanation}`,
    );
  }
  if (explanation.skipped.length > 0) {
    writeLine(
      io.out,
      colour.yellow(
        `  note     skipped because of errors (run ingress-kit check): ${explanation.skipped.map(formatRef).join(", ")}`,
      ),
    );
  }
  return match ? ExitCode.Ok : ExitCode.Found;
}
