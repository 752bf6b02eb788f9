// The public shapes of the matcher. Kubernetes words are spelled as Kubernetes spells them.
// Inputs are plain networking.k8s.io/v1 objects as `kubectl get -o json` prints them; every field is
// optional here because the matcher must survive any input and report what is missing instead of throwing.

/** `networking.k8s.io/v1` pathType. */
export type PathType = "Exact" | "Prefix" | "ImplementationSpecific";

/** A namespaced object reference, printed as `namespace/name`. */
export interface ObjectRef {
  readonly namespace: string;
  readonly name: string;
}

export interface ServiceBackendPort {
  number?: number;
  name?: string;
}

/** `spec.rules[].http.paths[].backend` or `spec.defaultBackend`, as written in the Ingress. */
export interface IngressBackend {
  service?: { name?: string; port?: ServiceBackendPort };
  resource?: { apiGroup?: string; kind?: string; name?: string };
}

export interface HTTPIngressPath {
  path?: string;
  pathType?: PathType | string;
  backend?: IngressBackend;
}

export interface IngressRule {
  host?: string;
  http?: { paths?: HTTPIngressPath[] };
}

export interface IngressTLS {
  hosts?: string[];
  secretName?: string;
}

export interface IngressSpec {
  ingressClassName?: string;
  defaultBackend?: IngressBackend;
  rules?: IngressRule[];
  tls?: IngressTLS[];
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  creationTimestamp?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

/** A plain `networking.k8s.io/v1` Ingress. */
export interface IngressObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: IngressSpec;
  status?: unknown;
}

/** Which Ingresses a table or a conflict check considers. */
export interface ClassSelector {
  /**
   * The IngressClass served. An Ingress belongs to it through `spec.ingressClassName`, else the legacy
   * `kubernetes.io/ingress.class` annotation, else (with neither set) when `isDefaultClass` is true.
   * When omitted, every Ingress is considered, whatever its class.
   */
  ingressClass?: string;
  /** The served class is the cluster's default IngressClass, so Ingresses with no class belong to it. */
  isDefaultClass?: boolean;
}

export type CompileOptions = ClassSelector;

export interface ConflictOptions extends ClassSelector {
  /**
   * When `ingressClass` is omitted, conflicts are looked for within each class separately. Ingresses with no
   * class join this class (the cluster's default IngressClass) if given, else a group of their own.
   */
  defaultClassName?: string;
}

/** A problem's severity: an error makes the object (or conflict) unusable; a warning is suspicious but served. */
export type Severity = "error" | "warning";

/** One problem of one Ingress, from `validateIngress`. */
export interface Problem {
  /** Stable code, e.g. `ERR_INVALID_HOST`. */
  readonly code: string;
  readonly severity: Severity;
  /** One sentence naming the object, the field and the value, ending with the fix. */
  readonly message: string;
  readonly object: ObjectRef;
  /** The field path, e.g. `spec.rules[0].http.paths[1].path`. */
  readonly field: string;
}

export type ConflictKind =
  "route-conflict" | "duplicate-route" | "tls-conflict" | "default-backend-conflict" | "unreachable-rule";

/** A conflict between objects (or a rule no request can reach), from `findConflicts`. */
export interface Conflict {
  readonly kind: ConflictKind;
  /** Stable code, e.g. `ERR_ROUTE_CONFLICT`. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** Every object involved, in precedence order: the first wins at runtime (oldest, then namespace/name). */
  readonly objects: readonly ObjectRef[];
  /** The host concerned ("" for rules without a host, absent for default-backend conflicts). */
  readonly host?: string;
  readonly path?: string;
  readonly pathType?: PathType;
  /** For TLS conflicts: the secrets claimed, in the same order as `objects`. */
  readonly secretNames?: readonly string[];
  /** For route and default-backend conflicts: the backends, in the same order as `objects`. */
  readonly backends?: readonly IngressBackend[];
}

/**
 * One compiled route; `table.match` returns these objects themselves (frozen, shared), so the data plane
 * allocates nothing per match.
 */
export interface RouteMatch {
  /** Index of this route in `table.routes`: lets callers keep per-route data in a plain array. */
  readonly id: number;
  /** `"rule"` for a path rule, `"defaultBackend"` for the default backend. */
  readonly kind: "rule" | "defaultBackend";
  readonly ingress: ObjectRef;
  /** The rule's host as written in lowercase (`*.example.com` for wildcards), "" for a rule without host. */
  readonly host: string;
  /** The rule's path as written ("/" for the default backend and for an empty ImplementationSpecific path). */
  readonly path: string;
  readonly pathType: PathType;
  /** The backend as written, resolved in `ingress.namespace`. */
  readonly backend: IngressBackend;
  /** The owning Ingress's annotations (frozen), for controller-specific options. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Position of the rule in its Ingress: `spec.rules[ruleIndex].http.paths[pathIndex]` (-1 for defaultBackend). */
  readonly ruleIndex: number;
  readonly pathIndex: number;
}

export interface TlsMatch {
  readonly namespace: string;
  readonly secretName: string;
  /** The TLS host entry that matched (`*.example.com` for a wildcard). */
  readonly host: string;
  readonly ingress: ObjectRef;
}

/** An Ingress left out of a table because it has errors; its problems say why. */
export interface SkippedIngress {
  readonly ingress: ObjectRef;
  readonly problems: readonly Problem[];
}

/** An immutable, compiled routing table. */
export interface RouteTable {
  /**
   * The route serving a request, or null (no rule matches and there is no default backend).
   * `host` is a Host header or SNI name (any case, optional port, optional trailing dot); `path` is the
   * request target's path (query and fragment ignored), normalised before matching.
   */
  match(host: string, path: string): RouteMatch | null;
  /** The TLS secret that serves an SNI name (exact host over wildcard), or null. */
  tlsSecretFor(serverName: string): TlsMatch | null;
  /** Every compiled route, indexed by `RouteMatch.id`; losers of a tie-break are not here. */
  readonly routes: readonly RouteMatch[];
  /** Ingresses of the selected class that were left out because of errors. */
  readonly skipped: readonly SkippedIngress[];
  /** Warnings of the Ingresses that were compiled. */
  readonly warnings: readonly Problem[];
  /** Ingresses compiled into the table (of the selected class, without errors), sorted by namespace/name. */
  readonly ingresses: readonly ObjectRef[];
}
