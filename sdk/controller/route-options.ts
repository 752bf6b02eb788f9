// Per-route proxy options, parsed once per snapshot from the owning Ingress's annotations (the builtin dialect
// written by the components). An invalid value falls back to its default and is reported as a warning; it never
// makes a route unservable.
import {
  BUILTIN_BACKEND_PROTOCOLS,
  BUILTIN_LOAD_BALANCERS,
  BuiltinAnnotations,
  parseSeconds,
  parseSize,
} from "../builtin-dialect";

export type BackendProtocol = (typeof BUILTIN_BACKEND_PROTOCOLS)[number];
export type LoadBalancer = (typeof BUILTIN_LOAD_BALANCERS)[number];

export interface RouteOptions {
  /** Redirect plain HTTP to HTTPS when the host has TLS. */
  readonly sslRedirect: boolean;
  /** Replacement for the matched path (prefix), or null to forward the path unchanged. */
  readonly rewriteTarget: string | null;
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly sendTimeoutMs: number;
  /** Largest request body in bytes; 0 for no limit. */
  readonly maxBodyBytes: number;
  /** Name of the affinity cookie when cookie affinity is on, else null. */
  readonly affinityCookie: string | null;
  readonly backendProtocol: BackendProtocol;
  readonly loadBalance: LoadBalancer;
}

export const DEFAULT_ROUTE_OPTIONS: RouteOptions = Object.freeze({
  sslRedirect: true,
  rewriteTarget: null,
  connectTimeoutMs: 5_000,
  readTimeoutMs: 60_000,
  sendTimeoutMs: 60_000,
  maxBodyBytes: 1024 * 1024,
  affinityCookie: null,
  backendProtocol: "HTTP",
  loadBalance: "round-robin",
});

export interface AnnotationProblem {
  readonly annotation: string;
  readonly value: string;
  readonly message: string;
}

export interface ParsedRouteOptions {
  readonly options: RouteOptions;
  readonly problems: readonly AnnotationProblem[];
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;

export function parseRouteOptions(annotations: Readonly<Record<string, string>>): ParsedRouteOptions {
  const problems: AnnotationProblem[] = [];
  const options: { -readonly [K in keyof RouteOptions]: RouteOptions[K] } = { ...DEFAULT_ROUTE_OPTIONS };
  const read = (key: string): string | undefined => {
    const value = annotations[key];
    return typeof value === "string" ? value.trim() : undefined;
  };
  const invalid = (annotation: string, value: string, expected: string): void => {
    problems.push({
      annotation,
      value,
      message: `annotation ${annotation}: "${value}" is not ${expected}; using the default. Fix the value or remove the annotation.`,
    });
  };

  const sslRedirect = read(BuiltinAnnotations.sslRedirect);
  if (sslRedirect !== undefined) {
    if (sslRedirect === "true" || sslRedirect === "false") options.sslRedirect = sslRedirect === "true";
    else invalid(BuiltinAnnotations.sslRedirect, sslRedirect, `"true" or "false"`);
  }

  const rewrite = read(BuiltinAnnotations.rewriteTarget);
  if (rewrite !== undefined) {
    if (rewrite.startsWith("/") && !/[\s?#]/.test(rewrite)) options.rewriteTarget = rewrite;
    else invalid(BuiltinAnnotations.rewriteTarget, rewrite, "a path starting with /");
  }

  const seconds: [string, "connectTimeoutMs" | "readTimeoutMs" | "sendTimeoutMs"][] = [
    [BuiltinAnnotations.connectTimeout, "connectTimeoutMs"],
    [BuiltinAnnotations.readTimeout, "readTimeoutMs"],
    [BuiltinAnnotations.sendTimeout, "sendTimeoutMs"],
  ];
  for (const [key, field] of seconds) {
    const value = read(key);
    if (value === undefined) continue;
    const ms = parseSeconds(value);
    if (ms === null) invalid(key, value, "a positive number of seconds");
    else options[field] = ms;
  }

  const maxBody = read(BuiltinAnnotations.maxBodySize);
  if (maxBody !== undefined) {
    const bytes = parseSize(maxBody);
    if (bytes === null) invalid(BuiltinAnnotations.maxBodySize, maxBody, `a size such as "512k" or "10m"`);
    else options.maxBodyBytes = bytes;
  }

  const affinity = read(BuiltinAnnotations.affinity);
  if (affinity !== undefined) {
    if (affinity === "cookie") {
      const cookie = read(BuiltinAnnotations.affinityCookieName) ?? "INGRESSKIT";
      if (COOKIE_NAME.test(cookie)) options.affinityCookie = cookie;
      else {
        invalid(
          BuiltinAnnotations.affinityCookieName,
          cookie,
          "a cookie name (token characters, at most 64)",
        );
        options.affinityCookie = "INGRESSKIT";
      }
    } else if (affinity !== "none" && affinity !== "") {
      invalid(BuiltinAnnotations.affinity, affinity, `"cookie"`);
    }
  }

  const protocol = read(BuiltinAnnotations.backendProtocol);
  if (protocol !== undefined) {
    const upper = protocol.toUpperCase();
    if ((BUILTIN_BACKEND_PROTOCOLS as readonly string[]).includes(upper)) {
      options.backendProtocol = upper as BackendProtocol;
    } else invalid(BuiltinAnnotations.backendProtocol, protocol, `"HTTP" or "HTTPS"`);
  }

  const balance = read(BuiltinAnnotations.loadBalance);
  if (balance !== undefined) {
    if ((BUILTIN_LOAD_BALANCERS as readonly string[]).includes(balance)) {
      options.loadBalance = balance as LoadBalancer;
    } else invalid(BuiltinAnnotations.loadBalance, balance, `"round-robin" or "least-request"`);
  }

  return { options: Object.freeze(options), problems };
}
