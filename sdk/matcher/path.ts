// Path semantics (https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types): Exact matches
// the path exactly; Prefix matches whole `/`-separated elements and ignores a trailing `/`; ImplementationSpecific
// is treated as Prefix here. Request paths are normalised first so a crafted path cannot reach a route it should not.
import type { PathType } from "./types";

const SLASH = 47;

/** The pathType Ingress Kit matches with: ImplementationSpecific behaves as Prefix. */
export function effectivePathType(pathType: PathType): "Exact" | "Prefix" {
  return pathType === "Exact" ? "Exact" : "Prefix";
}

/** A Prefix path's lookup key: no trailing slash, and "" for the root prefix "/". */
export function prefixKey(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === SLASH) end--;
  return end === path.length ? path : path.slice(0, end);
}

const QUESTION = 63;
const HASH = 35;
const PERCENT = 37;
const DOT = 46;

/**
 * Normalises a request target's path: strips the query and fragment (and the scheme and authority of an
 * absolute-form target), merges duplicate slashes, resolves `.` and `..` segments (never above the root),
 * decodes percent-encoded unreserved characters (RFC 3986 2.3) and upper-cases the hex digits of the rest,
 * so `/%2e%2e/admin`, `/a/../admin` and `//admin` are all routed as `/admin`. Linear in the input; never throws.
 */
export function normalizeRequestPath(target: string): string {
  if (target.charCodeAt(0) !== SLASH) return normalizeSlowly(withLeadingSlash(target));
  // One pass finds the end of the path and whether anything in it needs work: a '%', or a '/' followed by
  // '/' or '.' (a dot segment, or merely "/.well-known": the slow path sorts that out). Clean paths, nearly
  // all of them, come back without allocating.
  const length = target.length;
  let end = length;
  let dirty = false;
  let previous = SLASH;
  for (let i = 1; i < length; i++) {
    const c = target.charCodeAt(i);
    if (c === QUESTION || c === HASH) {
      end = i;
      break;
    }
    if (c === PERCENT || (previous === SLASH && (c === SLASH || c === DOT))) dirty = true;
    previous = c;
  }
  const path = end === length ? target : target.slice(0, end);
  return dirty ? normalizeSlowly(path) : path;
}

function withLeadingSlash(target: string): string {
  let path = target;
  const query = path.search(/[?#]/);
  if (query !== -1) path = path.slice(0, query);
  const scheme = path.indexOf("://");
  if (scheme !== -1 && /^[a-zA-Z][a-zA-Z0-9+.-]*$/.test(path.slice(0, scheme))) {
    const slash = path.indexOf("/", scheme + 3);
    return slash === -1 ? "/" : path.slice(slash);
  }
  return "/" + path;
}

function normalizeSlowly(path: string): string {
  const decoded = path.includes("%") ? decodeUnreserved(path) : path;
  return removeDotSegments(decoded);
}

function isUnreserved(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2d || // -
    c === 0x2e || // .
    c === 0x5f || // _
    c === 0x7e // ~
  );
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

function decodeUnreserved(path: string): string {
  let out = "";
  let from = 0;
  for (let i = path.indexOf("%"); i !== -1; i = path.indexOf("%", i + 1)) {
    const hi = hexValue(path.charCodeAt(i + 1));
    const lo = hexValue(path.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) continue; // a stray '%' is kept as written
    const byte = hi * 16 + lo;
    out += path.slice(from, i);
    // Reserved and non-ASCII bytes stay encoded (an encoded '/' is not a separator), in canonical upper case.
    out += isUnreserved(byte) ? String.fromCharCode(byte) : "%" + path.slice(i + 1, i + 3).toUpperCase();
    from = i + 3;
    i += 2;
  }
  return out + path.slice(from);
}

function removeDotSegments(path: string): string {
  const segments = path.split("/");
  const out: string[] = [];
  // segments[0] is "" (the path starts with '/'); a path ending in '/', '/.' or '/..' keeps a trailing slash.
  let trailingSlash = false;
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment === "..") {
      out.pop();
      trailingSlash = last;
    } else if (segment === "." || segment === "") {
      trailingSlash = last;
    } else {
      out.push(segment);
      trailingSlash = false;
    }
  }
  if (out.length === 0) return "/";
  return "/" + out.join("/") + (trailingSlash ? "/" : "");
}

/** Whether a rule path of the given type matches a normalised request path (the plain reference semantics). */
export function pathMatches(rulePath: string, pathType: PathType, requestPath: string): boolean {
  if (effectivePathType(pathType) === "Exact") return rulePath === requestPath;
  const key = prefixKey(rulePath === "" ? "/" : rulePath);
  if (key === "") return true;
  return requestPath === key || requestPath.startsWith(key + "/");
}

/** Why no normalised request path can ever equal this rule path, or null if one can. */
export function unreachablePathReason(path: string): string | null {
  if (/[?#]/.test(path)) return "contains '?' or '#', which are never part of a request path";
  if (path.includes("//")) return "contains '//', which requests are normalised to '/'";
  if (/\/\.\.?(?:\/|$)/.test(path)) {
    return "contains a '.' or '..' segment, which requests are normalised away";
  }
  const percent = /%([0-9a-fA-F]{2})/g;
  for (let m = percent.exec(path); m !== null; m = percent.exec(path)) {
    const hex = m[1]!;
    if (isUnreserved(parseInt(hex, 16))) {
      return `contains "%${hex}", an encoded '${String.fromCharCode(parseInt(hex, 16))}' that requests are decoded to`;
    }
    if (hex !== hex.toUpperCase()) {
      return `contains "%${hex}" in lower case; requests are normalised to "%${hex.toUpperCase()}"`;
    }
  }
  return null;
}
