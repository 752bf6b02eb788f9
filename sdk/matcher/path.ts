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
  // One pass finds the end of the path and whether anything in it needs work: a '%', a character that must be
  // percent-encoded, or a '/' followed by '/' or '.' (a dot segment, or merely "/.well-known": the slow path
  // sorts that out). Clean paths, nearly all of them, come back without allocating.
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
    // One table load decides most characters: '%', controls, space and the unsafe set are "dirty".
    if (c >= 0x7f || DIRTY[c] === 1 || (previous === SLASH && (c === SLASH || c === DOT))) dirty = true;
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
  return removeDotSegments(canonicalEncoding(path));
}

// Characters a path carries only percent-encoded (RFC 3986 3.3): controls, space, non-ASCII and the unsafe
// ASCII set. A client sends "/café" as "/caf%C3%A9"; rules and requests are compared in that encoded form.
const UNSAFE_ASCII = new Set([0x22, 0x3c, 0x3e, 0x5c, 0x5e, 0x60, 0x7b, 0x7c, 0x7d]); // " < > \ ^ ` { | }

function needsEncoding(c: number): boolean {
  return c <= 0x20 || c >= 0x7f || UNSAFE_ASCII.has(c);
}

// For the per-request scan: 1 for ASCII characters that send a path to the slow path ('%' and those to encode).
const DIRTY = new Uint8Array(128);
for (let c = 0; c < 128; c++) DIRTY[c] = c === PERCENT || needsEncoding(c) ? 1 : 0;

/**
 * The canonical percent-encoding of a path (dot segments and slashes untouched): encoded unreserved characters
 * decoded, other escapes upper-cased, a stray '%' written as "%25", and characters that must be encoded encoded
 * as UTF-8. Applied to rule paths and request paths alike, so both compare in one form.
 */
export function canonicalEncoding(path: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === PERCENT) {
      const hi = hexValue(path.charCodeAt(i + 1));
      const lo = hexValue(path.charCodeAt(i + 2));
      out += path.slice(from, i);
      if (hi < 0 || lo < 0) {
        out += "%25";
        from = i + 1;
        continue;
      }
      const byte = hi * 16 + lo;
      // Reserved and non-ASCII bytes stay encoded (an encoded '/' is not a separator), in upper case.
      out += isUnreserved(byte) ? String.fromCharCode(byte) : "%" + path.slice(i + 1, i + 3).toUpperCase();
      from = i + 3;
      i += 2;
    } else if (needsEncoding(c)) {
      out += path.slice(from, i);
      // A surrogate pair is one character: encode both halves together (a lone half becomes U+FFFD).
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < path.length ? 2 : 1;
      out += encodeUtf8(path.slice(i, i + pair));
      from = i + pair;
      i += pair - 1;
    }
  }
  return from === 0 ? path : out + path.slice(from);
}

function encodeUtf8(character: string): string {
  try {
    return encodeURIComponent(character); // UTF-8, upper-case hex; no Buffer: the matcher runs in any JS runtime
  } catch {
    return "%EF%BF%BD"; // a lone surrogate half: U+FFFD, as a UTF-8 encoder writes it
  }
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
  const canonical = canonicalEncoding(rulePath === "" ? "/" : rulePath);
  if (effectivePathType(pathType) === "Exact") return canonical === requestPath;
  const key = prefixKey(canonical);
  if (key === "") return true;
  return requestPath === key || requestPath.startsWith(key + "/");
}

/**
 * Why no normalised request path can ever reach this rule, or null if one can. `path` is the rule's match key:
 * canonically encoded, and for Prefix rules without the trailing slashes that Prefix matching ignores.
 */
export function unreachablePathReason(path: string): string | null {
  if (/[?#]/.test(path)) return "contains '?' or '#', which are never part of a request path";
  if (path.includes("//")) return "contains '//', which requests are normalised to '/'";
  if (/\/\.\.?(?:\/|$)/.test(path)) {
    return "contains a '.' or '..' segment, which requests are normalised away";
  }
  return null;
}
