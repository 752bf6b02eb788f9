// `rewriteTarget` replaces the matched path prefix with the target ("/" strips it). Controllers without a prefix
// rewrite express it with a regular expression over the route's paths; these helpers build it once for all.

/** Escapes a literal for use inside a regular expression. */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The rewrite target without trailing slashes ("" for "/"): the rest of the request path is appended to it. */
export function rewriteBase(target: string): string {
  return target.replace(/\/+$/, "");
}

/** A path without its trailing slashes ("" for "/"), the prefix a rewrite removes. */
export function prefixOf(path: string): string {
  return path.replace(/\/+$/, "");
}

/**
 * A non-capturing alternation of the route's path prefixes, longest first (`(?:/api/v1|/api)`), each escaped;
 * "/" contributes the empty prefix.
 */
export function prefixAlternation(paths: readonly { path: string }[]): string {
  const prefixes = [...new Set(paths.map((p) => escapeRegex(prefixOf(p.path))))].sort(
    (a, b) => b.length - a.length || (a < b ? -1 : 1),
  );
  return `(?:${prefixes.join("|")})`;
}
