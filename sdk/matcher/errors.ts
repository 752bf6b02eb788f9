// Stable codes for every problem and conflict the matcher reports. Tools match on these, never on messages.
export const MatcherCodes = {
  /** The object is not an Ingress we can read (not an object, no metadata.name, no spec). */
  INVALID_OBJECT: "ERR_INVALID_OBJECT",
  INVALID_HOST: "ERR_INVALID_HOST",
  INVALID_PATH: "ERR_INVALID_PATH",
  INVALID_PATH_TYPE: "ERR_INVALID_PATH_TYPE",
  INVALID_BACKEND: "ERR_INVALID_BACKEND",
  INVALID_TLS: "ERR_INVALID_TLS",
  /** An Ingress with neither rules nor a default backend. */
  NO_RULES: "ERR_NO_RULES",
  /** Two objects route the same host, path and pathType to different backends. */
  ROUTE_CONFLICT: "ERR_ROUTE_CONFLICT",
  /** Two objects route the same host, path and pathType to the same backend (warning). */
  DUPLICATE_ROUTE: "WARN_DUPLICATE_ROUTE",
  /** One TLS host served from two different secrets. */
  TLS_CONFLICT: "ERR_TLS_CONFLICT",
  /** Two default backends for one class. */
  DEFAULT_BACKEND_CONFLICT: "ERR_DEFAULT_BACKEND_CONFLICT",
  /** A rule no normalised request path can ever reach. */
  UNREACHABLE_RULE: "ERR_UNREACHABLE_RULE",
  /** An ImplementationSpecific path with regex characters: Ingress Kit matches it as a literal prefix. */
  REGEX_AS_PREFIX: "WARN_REGEX_AS_PREFIX",
  /** `spec.ingressClassName` and the legacy annotation disagree; the field wins. */
  CLASS_MISMATCH: "WARN_CLASS_MISMATCH",
  /** A TLS host that no rule of the Ingress routes. */
  TLS_HOST_WITHOUT_RULE: "WARN_TLS_HOST_WITHOUT_RULE",
  /** A rule with a host but no paths routes nothing. */
  EMPTY_RULE: "WARN_EMPTY_RULE",
} as const;

export type MatcherCode = (typeof MatcherCodes)[keyof typeof MatcherCodes];
