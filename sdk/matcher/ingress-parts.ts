// What the route table needs of one Ingress, worked out once per object: its validation, reference,
// precedence time, route entries with frozen backend copies, annotations and TLS entries. A cache keyed by the
// object instance lets a controller that recompiles on every change (with mostly the same, never mutated
// objects) skip this work for the objects that did not change; a replaced object is a new key, so it is
// worked out anew, and a dropped one is collected with its entry.
import {
  creationTime,
  defaultBackendOf,
  routesOf,
  tlsEntriesOf,
  type RouteEntry,
  type TlsEntry,
} from "./ingress-routes";
import { ingressRef, validateIngress } from "./validate";
import type { IngressBackend, IngressObject, ObjectRef, Problem, ServiceBackendPort } from "./types";

export interface IngressParts {
  /** Validation problems, errors and warnings. */
  readonly problems: readonly Problem[];
  readonly hasErrors: boolean;
  readonly ref: ObjectRef;
  /** "namespace/name". */
  readonly label: string;
  /** creationTimestamp in ms, +Infinity when missing: the first precedence key. */
  readonly time: number;
  /** The following are empty when the Ingress has errors (it is skipped). */
  readonly annotations: Readonly<Record<string, string>>;
  /** The route entries, each with a frozen copy of its backend (not the object's own) as `backend`. */
  readonly routes: readonly RouteEntry[];
  readonly defaultBackend: IngressBackend | undefined;
  readonly tls: readonly TlsEntry[];
}

const NO_ANNOTATIONS: Readonly<Record<string, string>> = Object.freeze({});
/** Shared by the many Ingresses without problems or TLS: a controller keeps one IngressParts per Ingress. */
const NONE: readonly never[] = Object.freeze([]);

/** The label of each ref an IngressParts holds, so that users of the table share the string (see refLabel). */
const labels = new WeakMap<ObjectRef, string>();

/** "namespace/name" of a ref from a compiled table (the route's `ingress`), made once per Ingress. */
export function refLabel(ref: ObjectRef): string {
  let label = labels.get(ref);
  if (label === undefined) labels.set(ref, (label = `${ref.namespace}/${ref.name}`));
  return label;
}

export function ingressParts(ingress: IngressObject): IngressParts {
  const found = validateIngress(ingress);
  const problems = found.length > 0 ? Object.freeze(found) : NONE;
  const hasErrors = problems.some((p) => p.severity === "error");
  const ref = Object.freeze(ingressRef(ingress));
  const label = refLabel(ref);
  const time = creationTime(ingress);
  if (hasErrors) {
    return {
      problems,
      hasErrors,
      ref,
      label,
      time,
      annotations: NO_ANNOTATIONS,
      routes: NONE,
      defaultBackend: undefined,
      tls: NONE,
    };
  }
  const defaultBackend = defaultBackendOf(ingress);
  const tls = tlsEntriesOf(ingress);
  return {
    problems,
    hasErrors,
    ref,
    label,
    time,
    annotations: freezeAnnotations(ingress),
    routes: routesWithBackends(ingress),
    defaultBackend: defaultBackend === undefined ? undefined : copyBackend(defaultBackend),
    tls: tls.length > 0 ? tls : NONE,
  };
}

/**
 * Precedence between Ingresses that claim the same route (the first wins): oldest first, then namespace, then
 * name, as sortByPrecedence.
 */
export function comparePrecedence(a: IngressParts, b: IngressParts): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.ref.namespace !== b.ref.namespace) return a.ref.namespace < b.ref.namespace ? -1 : 1;
  if (a.ref.name !== b.ref.name) return a.ref.name < b.ref.name ? -1 : 1;
  return 0;
}

/** IngressParts by object instance. Only for objects that are never mutated once handed in. */
export class IngressPartsCache {
  private readonly parts = new WeakMap<object, IngressParts>();

  get(ingress: IngressObject): IngressParts {
    let parts = this.parts.get(ingress);
    if (parts === undefined) {
      parts = ingressParts(ingress);
      this.parts.set(ingress, parts);
    }
    return parts;
  }
}

/**
 * The Ingress's route entries, each with a frozen copy of its backend in place of the object's own; equal
 * backends (most paths of an Ingress go to one Service port) share one copy.
 */
function routesWithBackends(ingress: IngressObject): RouteEntry[] {
  const copies = new Map<string, IngressBackend>();
  return routesOf(ingress).map((entry) => {
    const copy = copyBackend(entry.backend);
    // A copy holds only defined strings and numbers: equal JSON, equal copies.
    const key = JSON.stringify(copy);
    let backend = copies.get(key);
    if (backend === undefined) copies.set(key, (backend = copy));
    // Written out field by field: a spread with a field replaced can make a dictionary-mode object in V8.
    return {
      ingress: entry.ingress,
      host: entry.host,
      path: entry.path,
      pathType: entry.pathType,
      matchKind: entry.matchKind,
      matchPath: entry.matchPath,
      backend,
      ruleIndex: entry.ruleIndex,
      pathIndex: entry.pathIndex,
    };
  });
}

function freezeAnnotations(ingress: IngressObject): Readonly<Record<string, string>> {
  const annotations = ingress?.metadata?.annotations;
  const copy: Record<string, string> = {};
  if (annotations && typeof annotations === "object") {
    for (const [key, value] of Object.entries(annotations)) if (typeof value === "string") copy[key] = value;
  }
  return Object.freeze(copy);
}

/** A frozen copy of a backend as written (the caller's objects are never frozen or kept). */
function copyBackend(backend: IngressBackend): IngressBackend {
  const { service, resource } = backend;
  if (service && typeof service === "object") {
    const port: ServiceBackendPort = {};
    if (service.port?.number !== undefined) port.number = service.port.number;
    if (service.port?.name !== undefined) port.name = service.port.name;
    return Object.freeze({ service: Object.freeze({ name: service.name, port: Object.freeze(port) }) });
  }
  if (resource && typeof resource === "object") {
    const copy: NonNullable<IngressBackend["resource"]> = { kind: resource.kind, name: resource.name };
    if (resource.apiGroup !== undefined) copy.apiGroup = resource.apiGroup;
    return Object.freeze({ resource: Object.freeze(copy) });
  }
  return Object.freeze({});
}
