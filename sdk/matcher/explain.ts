// Why a request goes where it goes: every rule that could have served it, and why each one lost to the winner.
// This is the slow, plain-spoken twin of RouteTable.match for humans (the `ingress-kit route` command); it must
// always agree with the table, which its tests check.
import { formatRef } from "./format";
import { hostMatches, hostRank, normalizeHost } from "./host";
import { belongsToClass } from "./ingress-class";
import { routeKey, routesOf, sortByPrecedence } from "./ingress-routes";
import { normalizeRequestPath, pathMatches, prefixKey } from "./path";
import { compileRoutes } from "./route-table";
import { ingressRef } from "./validate";
import type { CompileOptions, IngressBackend, IngressObject, ObjectRef, PathType, RouteMatch } from "./types";

/** A rule that matched the request's host and path but did not win, and why. */
export interface LosingCandidate {
  readonly ingress: ObjectRef;
  readonly host: string;
  readonly path: string;
  readonly pathType: PathType;
  readonly backend: IngressBackend;
  readonly ruleIndex: number;
  readonly pathIndex: number;
  /** `less-specific-host`, `shorter-path`, `exact-wins-tie` or `lost-tie-break`. */
  readonly reason: "less-specific-host" | "shorter-path" | "exact-wins-tie" | "lost-tie-break";
  readonly explanation: string;
}

export interface MatchExplanation {
  /** The host and path as the matcher compared them. */
  readonly host: string;
  readonly path: string;
  /** The route that serves the request (as `RouteTable.match` returns it), or null for a 404. */
  readonly match: RouteMatch | null;
  /** Rules that also matched and lost, in precedence order of their Ingresses (oldest first). */
  readonly losers: readonly LosingCandidate[];
  /** Ingresses of the class that were skipped because of errors (their rules were not considered). */
  readonly skipped: readonly ObjectRef[];
}

function effectiveLength(path: string, pathType: PathType): number {
  if (pathType === "Exact") return path.length;
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47) end--;
  return end;
}

function winnerKey(winner: RouteMatch): string {
  const exact = winner.pathType === "Exact";
  return routeKey({
    host: winner.host,
    matchKind: exact ? "Exact" : "Prefix",
    matchPath: exact ? winner.path : prefixKey(winner.path),
  });
}

/** Explains which rule serves `host` + `path` among `ingresses`, and why every other matching rule lost. */
export function explainMatch(
  ingresses: readonly unknown[],
  host: string,
  path: string,
  options: CompileOptions = {},
): MatchExplanation {
  const objects = Array.isArray(ingresses) ? ingresses : [];
  const table = compileRoutes(objects, options);
  const match = table.match(host, path);
  const requestHost = normalizeHost(typeof host === "string" ? host : "");
  const requestPath = normalizeRequestPath(typeof path === "string" ? path : "/");
  const served = new Set(table.ingresses.map(formatRef));
  // The same object twice (two files): the table keeps the later copy, and so do the candidates.
  const latest = new Map<string, IngressObject>();
  for (const item of objects) {
    if (typeof item === "object" && item !== null && belongsToClass(item as IngressObject, options)) {
      latest.set(formatRef(ingressRef(item)), item as IngressObject);
    }
  }
  const candidates = sortByPrecedence([...latest.values()]).flatMap((ingress) =>
    routesOf(ingress).filter((entry) => served.has(formatRef(entry.ingress))),
  );
  const losers: LosingCandidate[] = [];
  for (const entry of candidates) {
    if (!hostMatches(entry.host, requestHost) || !pathMatches(entry.path, entry.pathType, requestPath)) {
      continue;
    }
    if (
      match !== null &&
      match.kind === "rule" &&
      formatRef(match.ingress) === formatRef(entry.ingress) &&
      match.ruleIndex === entry.ruleIndex &&
      match.pathIndex === entry.pathIndex
    ) {
      continue;
    }
    let reason: LosingCandidate["reason"];
    let explanation: string;
    const winner = match?.kind === "rule" ? match : null;
    if (winner === null || hostRank(entry.host) < hostRank(winner.host)) {
      reason = "less-specific-host";
      explanation = `its host ${entry.host === "" ? "(any)" : JSON.stringify(entry.host)} is less specific than ${JSON.stringify(winner?.host ?? requestHost)}, which has rules of its own and owns the request`;
    } else if (routeKey(entry) === winnerKey(winner)) {
      reason = "lost-tie-break";
      explanation = `the same route is defined earlier by Ingress ${formatRef(winner.ingress)} (older, or first by namespace/name)`;
    } else if (effectiveLength(entry.path, entry.pathType) < effectiveLength(winner.path, winner.pathType)) {
      reason = "shorter-path";
      explanation = `its path ${JSON.stringify(entry.path)} is shorter than ${JSON.stringify(winner.path)}: the longest matching path wins`;
    } else {
      reason = "exact-wins-tie";
      explanation = `Exact ${JSON.stringify(winner.path)} wins a tie with ${entry.pathType} ${JSON.stringify(entry.path)}`;
    }
    losers.push({
      ingress: entry.ingress,
      host: entry.host,
      path: entry.path,
      pathType: entry.pathType,
      backend: entry.backend,
      ruleIndex: entry.ruleIndex,
      pathIndex: entry.pathIndex,
      reason,
      explanation,
    });
  }
  return {
    host: requestHost,
    path: requestPath,
    match,
    losers,
    skipped: table.skipped.map((s) => s.ingress),
  };
}
