// Host semantics (https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards):
// hosts compare case-insensitively, without port or trailing dot, and `*.example.com` covers exactly one
// leftmost label (`a.example.com`, not `example.com` nor `a.b.example.com`).

const UPPER_A = 65;
const UPPER_Z = 90;
const OPEN_BRACKET = 91;
const COLON = 58;
const DOT = 46;

/** Lowercases a Host header or SNI name and strips its port and trailing dot; "" when empty. */
export function normalizeHost(host: string): string {
  const length = host.length;
  if (length === 0) return "";
  if (host.charCodeAt(0) === OPEN_BRACKET) {
    // IPv6 literal, "[::1]:8080": keep the brackets, drop the port.
    const end = host.indexOf("]");
    return (end === -1 ? host : host.slice(0, end + 1)).toLowerCase();
  }
  // One pass over the name: find a port, note upper case. Almost every Host header is clean already,
  // and then the string is returned as it is, without allocating.
  let end = length;
  let upper = false;
  for (let i = 0; i < length; i++) {
    const c = host.charCodeAt(i);
    if (c === COLON) {
      end = i;
      break;
    }
    if (c >= UPPER_A && c <= UPPER_Z) upper = true;
  }
  if (end > 1 && host.charCodeAt(end - 1) === DOT) end--;
  const name = end === length ? host : host.slice(0, end);
  return upper ? name.toLowerCase() : name;
}

/** For a normalised request host, the key its wildcard rule would have: "a.example.com" -> "example.com". */
export function wildcardParent(host: string): string | undefined {
  const dot = host.indexOf(".");
  return dot > 0 ? host.slice(dot + 1) : undefined;
}

/** Whether a rule host ("" = any host, "*.x" = one label under x) matches a normalised request host. */
export function hostMatches(ruleHost: string, requestHost: string): boolean {
  if (ruleHost === "") return true;
  if (ruleHost.startsWith("*.")) return wildcardParent(requestHost) === ruleHost.slice(2);
  return ruleHost === requestHost;
}

/** How specific a rule host is, for host-first selection: exact (2) over wildcard (1) over any host (0). */
export function hostRank(ruleHost: string): 0 | 1 | 2 {
  if (ruleHost === "") return 0;
  return ruleHost.startsWith("*.") ? 1 : 2;
}

/**
 * Why a rule or TLS host is invalid, or null. Kubernetes requires a lowercase RFC 1123 subdomain, optionally
 * with `*.` as the whole leftmost label, and no IP address.
 */
export function hostProblem(host: string): string | null {
  if (host.length === 0) return "is empty";
  if (host.length > 253) return `is ${host.length} characters long; the limit is 253`;
  if (host.includes(":")) return "contains a ':' (a port or an IPv6 address); hosts carry neither";
  const wildcard = host.startsWith("*.");
  const name = wildcard ? host.slice(2) : host;
  if (name.includes("*")) return "has a '*' that is not the whole leftmost label (write '*.example.com')";
  if (/^[0-9.]+$/.test(name)) return "is an IP address; Ingress hosts must be DNS names";
  if (name !== name.toLowerCase()) return "has upper-case letters; Kubernetes accepts only lower case";
  if (name.endsWith(".")) return "ends with a '.'; drop the trailing dot";
  const labels = name.split(".");
  if (wildcard && labels.length < 2) return "is a wildcard over a single label; write '*.example.com'";
  for (const label of labels) {
    if (label.length === 0) return "has an empty label ('..' or a leading '.')";
    if (label.length > 63) return `has a label of ${label.length} characters; the limit is 63`;
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(label)) {
      return `has the label "${label.length > 40 ? label.slice(0, 40) + "…" : label}", which is not lowercase letters, digits and inner '-'`;
    }
  }
  return null;
}
