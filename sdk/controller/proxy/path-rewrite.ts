// The rewrite-target annotation: the matched path (or prefix) is replaced by the target, the rest of the path is
// kept. Prefix "/api" with target "/" sends "/api/users" as "/users"; Exact routes send the target itself.
import type { RouteMatch } from "../../matcher";

function trimTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47) end--;
  return path.slice(0, end);
}

/** Rewrites a normalised request path for `route` (matched) to `target`. */
export function rewritePath(
  route: Pick<RouteMatch, "path" | "pathType">,
  path: string,
  target: string,
): string {
  if (route.pathType === "Exact") return target;
  const prefix = trimTrailingSlashes(route.path);
  const rest = path.length > prefix.length ? path.slice(prefix.length) : "";
  if (rest === "" || rest === "/") return rest === "/" && !target.endsWith("/") ? `${target}/` : target;
  return target.endsWith("/") ? target + rest.slice(1) : target + rest;
}

/** Splits a request target into its path and its query (with the "?"), without allocating when there is none. */
export function splitTarget(url: string): { path: string; query: string } {
  const q = url.indexOf("?");
  return q === -1 ? { path: url, query: "" } : { path: url.slice(0, q), query: url.slice(q) };
}

/** The path (and query) sent upstream: the normalised request path the route matched, rewritten if asked. */
export function upstreamPath(
  route: RouteMatch,
  rewriteTarget: string | null,
  normalized: string,
  query: string,
): string {
  return (rewriteTarget !== null ? rewritePath(route, normalized, rewriteTarget) : normalized) + query;
}
