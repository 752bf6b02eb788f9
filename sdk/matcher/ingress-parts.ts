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
  readonly routes: readonly { readonly entry: RouteEntry; readonly backend: IngressBackend }[];
  readonly defaultBackend: IngressBackend | undefined;
  readonly tls: readonly TlsEntry[];
}

const NO_ANNOTATIONS: Readonly<Record<string, string>> = Object.freeze({});

export function ingressParts(ingress: IngressObject): IngressParts {
  const problems = Object.freeze(validateIngress(ingress));
  const hasErrors = problems.some((p) => p.severity === "error");
  const ref = Object.freeze(ingressRef(ingress));
  const label = `${ref.namespace}/${ref.name}`;
  const time = creationTime(ingress);
  if (hasErrors) {
    return {
      problems,
      hasErrors,
      ref,
      label,
      time,
      annotations: NO_ANNOTATIONS,
      routes: [],
      defaultBackend: undefined,
      tls: [],
    };
  }
  const defaultBackend = defaultBackendOf(ingress);
  return {
    problems,
    hasErrors,
    ref,
    label,
    time,
    annotations: freezeAnnotations(ingress),
    routes: routesOf(ingress).map((entry) => ({ entry, backend: copyBackend(entry.backend) })),
    defaultBackend: defaultBackend === undefined ? undefined : copyBackend(defaultBackend),
    tls: tlsEntriesOf(ingress),
  };
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
