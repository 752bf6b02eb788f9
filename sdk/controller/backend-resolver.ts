// Resolves an Ingress backend to the addresses to connect to, exactly as a cluster does: backend Service port
// (number or name) -> Service port -> the EndpointSlice port of the same name (slices labelled
// kubernetes.io/service-name) -> ready endpoints' addresses. Pure; built once per snapshot.
//
// Sources never mutate the objects they hand on and keep the instances of unchanged objects, so work is
// remembered by instance across snapshots: the indexes by the arrays they are built from, and each Service
// port's resolution by the Service object together with its EndpointSlice objects. A replaced object is a new
// key and is resolved anew; a dropped one is collected with what was remembered for it.
import { createHash } from "node:crypto";
import type { IngressBackend } from "../matcher";
import type { ClusterState, EndpointSliceObject, ServiceObject, ServicePort } from "./sources/objects";

export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

/** Stable codes for backends the snapshot cannot resolve. */
export const BackendCodes = {
  RESOURCE_BACKEND: "ERR_RESOURCE_BACKEND",
  INVALID_BACKEND: "ERR_INVALID_BACKEND",
  SERVICE_NOT_FOUND: "ERR_SERVICE_NOT_FOUND",
  SERVICE_PORT_NOT_FOUND: "ERR_SERVICE_PORT_NOT_FOUND",
} as const;

/** One upstream address. `key` ("address:port") identifies it across snapshots. */
export interface UpstreamEndpoint {
  readonly address: string;
  readonly port: number;
  readonly key: string;
  /** Opaque, stable id for the affinity cookie (a hash, so addresses are not disclosed to clients). */
  readonly cookieId: string;
}

export interface ResolvedService {
  readonly namespace: string;
  readonly name: string;
  /** The Service port as written in the backend (number or name). */
  readonly port: string;
  /** "namespace/name:port", for metrics and logs: made once per resolution, shared by its routes. */
  readonly label: string;
}

export type BackendResolution =
  | { readonly ok: true; readonly service: ResolvedService; readonly endpoints: readonly UpstreamEndpoint[] }
  | {
      readonly ok: false;
      readonly service: ResolvedService | null;
      readonly code: string;
      readonly message: string;
    };

function endpointKey(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

function createEndpoint(address: string, port: number): UpstreamEndpoint {
  const key = endpointKey(address, port);
  const cookieId = createHash("sha256").update(key).digest("hex").slice(0, 16);
  return Object.freeze({ address, port, key, cookieId });
}

function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? "") === (b ?? "");
}

interface RememberedResolution {
  /** The port's name, or its number: the two never share a resolution. */
  readonly portKey: string | number;
  /** The EndpointSlices the resolution was made from, in order. */
  readonly slices: readonly EndpointSliceObject[];
  readonly resolution: BackendResolution;
}

/** Namespace -> name -> value: keyed by the objects' own strings, no key string is made per lookup. */
type ByNamespaceAndName<T> = Map<string, Map<string, T>>;

const servicesIndexes = new WeakMap<readonly ServiceObject[], ByNamespaceAndName<ServiceObject>>();
const slicesIndexes = new WeakMap<
  readonly EndpointSliceObject[],
  ByNamespaceAndName<EndpointSliceObject[]>
>();
/**
 * Service -> the last resolution of each port asked for: one (nearly every Service is reached by one port) or,
 * from the second, a list. A Map per Service cost 600 bytes each with 10,000 Services.
 */
const remembered = new WeakMap<ServiceObject, RememberedResolution | RememberedResolution[]>();
const NO_SLICES: readonly EndpointSliceObject[] = Object.freeze([]);

function inNamespace<T>(index: ByNamespaceAndName<T>, namespace: string): Map<string, T> {
  let byName = index.get(namespace);
  if (!byName) index.set(namespace, (byName = new Map()));
  return byName;
}

function indexServices(services: readonly ServiceObject[]): ByNamespaceAndName<ServiceObject> {
  let index = servicesIndexes.get(services);
  if (index) return index;
  index = new Map();
  for (const service of services) {
    const name = service?.metadata?.name;
    if (!name) continue;
    inNamespace(index, service.metadata?.namespace ?? "default").set(name, service);
  }
  servicesIndexes.set(services, index);
  return index;
}

function indexSlices(slices: readonly EndpointSliceObject[]): ByNamespaceAndName<EndpointSliceObject[]> {
  let index = slicesIndexes.get(slices);
  if (index) return index;
  index = new Map();
  for (const slice of slices) {
    const serviceName = slice?.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!serviceName) continue;
    const byName = inNamespace(index, slice.metadata?.namespace ?? "default");
    const list = byName.get(serviceName);
    if (list) list.push(slice);
    else byName.set(serviceName, [slice]);
  }
  slicesIndexes.set(slices, index);
  return index;
}

function sameInstances<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class BackendResolver {
  private readonly services: ByNamespaceAndName<ServiceObject>;
  private readonly slices: ByNamespaceAndName<EndpointSliceObject[]>;
  /** Endpoint objects are reused between resolutions so equal addresses share one object. */
  private readonly endpoints = new Map<string, UpstreamEndpoint>();
  /** Resolutions of backends whose Service is missing, shared by the routes that name it. */
  private readonly missing = new Map<string, BackendResolution>();

  constructor(state: Pick<ClusterState, "services" | "endpointSlices">) {
    this.services = indexServices(state.services);
    this.slices = indexSlices(state.endpointSlices);
  }

  resolve(backend: IngressBackend, namespace: string): BackendResolution {
    if (backend.resource) {
      return {
        ok: false,
        service: null,
        code: BackendCodes.RESOURCE_BACKEND,
        message: `resource backend ${backend.resource.kind ?? "?"} "${backend.resource.name ?? "?"}" is not supported by the bundled controller. Use a service backend.`,
      };
    }
    const name = backend.service?.name;
    const wanted = backend.service?.port;
    const portKey = wanted?.name ?? wanted?.number;
    if (!name || portKey === undefined || portKey === "") {
      return {
        ok: false,
        service: null,
        code: BackendCodes.INVALID_BACKEND,
        message: "backend has no service name or port. Set backend.service.name and backend.service.port.",
      };
    }
    // Found Services are remembered (across snapshots too) by resolveRemembered; missing ones here.
    const object = this.services.get(namespace)?.get(name);
    if (object) return this.resolveRemembered(object, namespace, name, wanted, portKey);
    const key = `${namespace}/${name}:${portKey}`;
    let resolution = this.missing.get(key);
    if (resolution === undefined) {
      resolution = this.resolveService(namespace, name, wanted, String(portKey));
      this.missing.set(key, resolution);
    }
    return resolution;
  }

  /** The Service port's resolution, reused from an earlier snapshot when its objects are the same instances. */
  private resolveRemembered(
    object: ServiceObject,
    namespace: string,
    name: string,
    wanted: { name?: string; number?: number } | undefined,
    /** The port's name, or its number: the two never share a resolution. */
    portKey: string | number,
  ): BackendResolution {
    const slices = this.slices.get(namespace)?.get(name) ?? NO_SLICES;
    const byPort = remembered.get(object);
    const known = Array.isArray(byPort)
      ? byPort.find((r) => r.portKey === portKey)
      : byPort?.portKey === portKey
        ? byPort
        : undefined;
    if (known && sameInstances(known.slices, slices)) return known.resolution;
    const resolution = this.resolveService(namespace, name, wanted, String(portKey));
    // The resolution is shared by every route to this port until the Service or its slices change.
    // `slices` is the index's own list, never changed once the index is made: kept as it is, not copied.
    const fresh: RememberedResolution = { portKey, slices, resolution };
    if (byPort === undefined || (!Array.isArray(byPort) && byPort.portKey === portKey)) {
      remembered.set(object, fresh);
    } else {
      const others = (Array.isArray(byPort) ? byPort : [byPort]).filter((r) => r.portKey !== portKey);
      remembered.set(object, [...others, fresh]);
    }
    return resolution;
  }

  private resolveService(
    namespace: string,
    name: string,
    wanted: { name?: string; number?: number } | undefined,
    portLabel: string,
  ): BackendResolution {
    const service: ResolvedService = Object.freeze({
      namespace,
      name,
      port: portLabel,
      label: `${namespace}/${name}:${portLabel}`,
    });
    const object = this.services.get(namespace)?.get(name);
    if (!object) {
      return {
        ok: false,
        service,
        code: BackendCodes.SERVICE_NOT_FOUND,
        message: `service "${namespace}/${name}" not found. Create the Service or fix the backend's service name.`,
      };
    }
    const ports = object.spec?.ports ?? [];
    const servicePort: ServicePort | undefined =
      wanted?.name !== undefined
        ? ports.find((p) => p.name === wanted.name)
        : ports.find((p) => p.port === wanted?.number);
    if (!servicePort) {
      const known = ports.map((p) => (p.name ? `${p.name}(${p.port})` : String(p.port))).sort();
      return {
        ok: false,
        service,
        code: BackendCodes.SERVICE_PORT_NOT_FOUND,
        message: `service "${namespace}/${name}" has no port "${portLabel}" (it has ${known.length ? known.join(", ") : "none"}). Fix the backend's service port.`,
      };
    }
    if (object.spec?.type === "ExternalName" && object.spec.externalName) {
      const port = servicePort.port ?? 80;
      return { ok: true, service, endpoints: Object.freeze([this.endpoint(object.spec.externalName, port)]) };
    }
    const endpoints: UpstreamEndpoint[] = [];
    const seen = new Set<string>();
    for (const slice of this.slices.get(namespace)?.get(name) ?? []) {
      const slicePort = (slice.ports ?? []).find((p) => sameName(p.name, servicePort.name));
      if (!slicePort || typeof slicePort.port !== "number") continue;
      for (const endpoint of slice.endpoints ?? []) {
        if (endpoint?.conditions?.ready === false) continue;
        for (const address of endpoint.addresses ?? []) {
          if (typeof address !== "string" || address === "") continue;
          const resolved = this.endpoint(address, slicePort.port);
          if (seen.has(resolved.key)) continue;
          seen.add(resolved.key);
          endpoints.push(resolved);
        }
      }
    }
    endpoints.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { ok: true, service, endpoints: Object.freeze(endpoints) };
  }

  private endpoint(address: string, port: number): UpstreamEndpoint {
    const key = endpointKey(address, port);
    let endpoint = this.endpoints.get(key);
    if (!endpoint) {
      endpoint = createEndpoint(address, port);
      this.endpoints.set(key, endpoint);
    }
    return endpoint;
  }
}
