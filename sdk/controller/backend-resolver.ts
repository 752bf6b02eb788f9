// Resolves an Ingress backend to the addresses to connect to, exactly as a cluster does: backend Service port
// (number or name) -> Service port -> the EndpointSlice port of the same name (slices labelled
// kubernetes.io/service-name) -> ready endpoints' addresses. Pure; built once per snapshot.
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

export class BackendResolver {
  private readonly services = new Map<string, ServiceObject>();
  private readonly slices = new Map<string, EndpointSliceObject[]>();
  /** Endpoint objects are reused between resolutions so equal addresses share one object. */
  private readonly endpoints = new Map<string, UpstreamEndpoint>();
  /** Resolutions by namespace, service and port: the routes of one Service (often many) share one. */
  private readonly resolved = new Map<string, BackendResolution>();

  constructor(state: Pick<ClusterState, "services" | "endpointSlices">) {
    for (const service of state.services) {
      const name = service?.metadata?.name;
      if (!name) continue;
      this.services.set(`${service.metadata?.namespace ?? "default"}/${name}`, service);
    }
    for (const slice of state.endpointSlices) {
      const serviceName = slice?.metadata?.labels?.[SERVICE_NAME_LABEL];
      if (!serviceName) continue;
      const key = `${slice.metadata?.namespace ?? "default"}/${serviceName}`;
      const list = this.slices.get(key);
      if (list) list.push(slice);
      else this.slices.set(key, [slice]);
    }
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
    const portLabel = wanted?.name ?? (wanted?.number !== undefined ? String(wanted.number) : "");
    if (!name || portLabel === "") {
      return {
        ok: false,
        service: null,
        code: BackendCodes.INVALID_BACKEND,
        message: "backend has no service name or port. Set backend.service.name and backend.service.port.",
      };
    }
    const key = `${namespace}/${name}:${portLabel}`;
    let resolution = this.resolved.get(key);
    if (resolution === undefined) {
      resolution = this.resolveService(namespace, name, wanted, portLabel);
      this.resolved.set(key, resolution);
    }
    return resolution;
  }

  private resolveService(
    namespace: string,
    name: string,
    wanted: { name?: string; number?: number } | undefined,
    portLabel: string,
  ): BackendResolution {
    const service: ResolvedService = Object.freeze({ namespace, name, port: portLabel });
    const object = this.services.get(`${namespace}/${name}`);
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
    for (const slice of this.slices.get(`${namespace}/${name}`) ?? []) {
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
