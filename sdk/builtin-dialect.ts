// The annotation dialect of the bundled controller: written by the components' `builtin` kind from typed
// HostRoute options, read by the controller. It lives here, outside both, because components must never load
// the controller and the controller never loads Pulumi. Zero dependencies.

/** `spec.controller` of the IngressClass the bundled controller serves. */
export const BUILTIN_CONTROLLER_NAME = "ingress-kit.dev/controller";

/** Annotation keys. Values are strings, as Kubernetes requires. */
export const BuiltinAnnotations = {
  /** "true" | "false": redirect HTTP to HTTPS for hosts with TLS. Default "true". */
  sslRedirect: "ingress-kit.dev/ssl-redirect",
  /** Replaces the matched path prefix before forwarding, e.g. "/" strips Prefix "/api" from "/api/users". */
  rewriteTarget: "ingress-kit.dev/rewrite-target",
  /** Seconds (decimal allowed) to establish the upstream connection. Default "5". */
  connectTimeout: "ingress-kit.dev/connect-timeout",
  /** Seconds to wait for the upstream's response head, and between reads of its body. Default "60". */
  readTimeout: "ingress-kit.dev/read-timeout",
  /** Seconds allowed between writes of the request body to the upstream. Default "60". */
  sendTimeout: "ingress-kit.dev/send-timeout",
  /** Largest request body accepted: bytes with an optional k/m/g suffix ("10m"); "0" for no limit. Default "1m". */
  maxBodySize: "ingress-kit.dev/max-body-size",
  /** "cookie" enables cookie session affinity. */
  affinity: "ingress-kit.dev/affinity",
  /** Name of the affinity cookie. Default "INGRESSKIT". */
  affinityCookieName: "ingress-kit.dev/affinity-cookie-name",
  /** "HTTP" | "HTTPS": protocol spoken to the upstream. Default "HTTP". */
  backendProtocol: "ingress-kit.dev/backend-protocol",
  /** "round-robin" | "least-request" (power of two choices). Default "round-robin". */
  loadBalance: "ingress-kit.dev/load-balance",
} as const;

export const BUILTIN_BACKEND_PROTOCOLS = ["HTTP", "HTTPS"] as const;
export const BUILTIN_LOAD_BALANCERS = ["round-robin", "least-request"] as const;

/** Parses a size such as "512", "64k", "10m", "1g" (case-insensitive, binary units) into bytes; null if invalid. */
export function parseSize(value: string): number | null {
  const match = /^(\d{1,12})([kmg]?)$/i.exec(value.trim());
  if (!match) return null;
  const units: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
  return Number(match[1]) * (units[match[2]!.toLowerCase()] ?? 1);
}

/** Parses seconds such as "5" or "0.5" into milliseconds; null if invalid or not positive. */
export function parseSeconds(value: string): number | null {
  if (!/^\d{1,6}(\.\d{1,3})?$/.test(value.trim())) return null;
  const ms = Math.round(Number(value) * 1000);
  return ms > 0 ? ms : null;
}
