// A route's backends: Service resources or `{ name, port }` references, turned into Ingress backends. Names and
// ports may be Outputs: the port of a Service resource is checked against the Service once its ports are known,
// and a `{ name, port }` given as Outputs is checked once its values are known.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MatcherCodes } from "../matcher";
import { ComponentCodes, IngressKitError } from "./component-error";
import type { DialectBackend } from "./controller-kind";
import type { HostRouteArgs, HostRoutePath } from "./host-route";
import { checkKnownServiceRef } from "./service-ref-checks";

export function isService(value: unknown): value is k8s.core.v1.Service {
  return k8s.core.v1.Service.isInstance(value);
}

/** The Pulumi resource name of a Service, for messages. */
export function resourceNameOf(service: k8s.core.v1.Service): string {
  return (service as unknown as { __name?: string }).__name ?? "(Service resource)";
}

/**
 * The Ingress backend port for a Service resource: the requested port (by number or name) if the Service has it,
 * else its only port. Throws an IngressKitError naming the Service's ports when there is no such port.
 */
export function resolveServicePort(
  routeName: string,
  field: string,
  serviceName: string,
  ports: readonly { name?: string; port: number }[] | undefined,
  requested: number | string | undefined,
  resource?: pulumi.Resource,
): { number: number } | { name: string } {
  const list = ports ?? [];
  const known = list.map((p) => (p.name ? `"${p.name}" (${p.port})` : String(p.port))).join(", ") || "none";
  const fail = (message: string): never => {
    throw new IngressKitError(
      ComponentCodes.UNKNOWN_SERVICE_PORT,
      `HostRoute "${routeName}": ${message} [${ComponentCodes.UNKNOWN_SERVICE_PORT}]`,
      resource,
    );
  };
  if (requested === undefined) {
    if (list.length !== 1) {
      return fail(
        `${field}: Service "${serviceName}" has ${list.length} ports (${known}). Set ${field.replace(/\.service$/, "")}.port to one of them.`,
      );
    }
    return { number: list[0]!.port };
  }
  if (typeof requested === "string") {
    if (!list.some((p) => p.name === requested)) {
      return fail(
        `${field}: Service "${serviceName}" has no port named "${requested}" (its ports: ${known}). Use one of those.`,
      );
    }
    return { name: requested };
  }
  if (!list.some((p) => p.port === requested)) {
    return fail(
      `${field}: Service "${serviceName}" has no port ${requested} (its ports: ${known}). Use one of those.`,
    );
  }
  return { number: requested };
}

/** `{ number }` or `{ name }`, plain when the port is (a route with plain values creates no extra Outputs). */
export function ingressPort(
  port: pulumi.Input<number | string>,
): pulumi.Input<k8s.types.input.networking.v1.ServiceBackendPort> {
  const toPort = (value: number | string) =>
    typeof value === "number" ? { number: value } : { name: value };
  return typeof port === "number" || typeof port === "string"
    ? toPort(port)
    : pulumi.output(port).apply(toPort);
}

/** The route's namespace: the `namespace` arg, else its first backend's, else "default". */
export function resolveNamespace(args: HostRouteArgs): pulumi.Input<string> {
  if (args.namespace !== undefined) return args.namespace;
  const first = args.paths[0]!.service;
  if (isService(first)) return first.metadata.apply((m) => m?.namespace ?? "default");
  return first.namespace ?? "default";
}

/**
 * A path's backend with names and ports as Outputs. The port of a Service resource, and the name and port of a
 * `{ name, port }` given as Outputs, are checked once known (an IngressKitError fails the update); in a preview an
 * unknown value cannot be checked.
 */
export function backendOf(
  routeName: string,
  field: string,
  p: HostRoutePath,
  namespace: pulumi.Input<string>,
  resource: pulumi.Resource,
): DialectBackend {
  if (isService(p.service)) {
    const service = p.service;
    const checked = pulumi.all([service.metadata, service.spec, namespace]).apply(([metadata, spec, ns]) => {
      const serviceName = metadata?.name ?? resourceNameOf(service);
      const serviceNs = metadata?.namespace ?? "default";
      if (serviceNs !== ns) {
        throw new IngressKitError(
          MatcherCodes.INVALID_BACKEND,
          `HostRoute "${routeName}": ${field}.service: Service "${serviceName}" is in namespace "${serviceNs}" but the ` +
            `route's Ingress is in "${ns}"; an Ingress reaches Services of its own namespace only. Set namespace: ` +
            `"${serviceNs}" on the route. [${MatcherCodes.INVALID_BACKEND}]`,
          resource,
        );
      }
      const port = resolveServicePort(
        routeName,
        `${field}.service`,
        serviceName,
        spec?.ports,
        p.port,
        resource,
      );
      return { serviceName, port: "number" in port ? port.number : port.name };
    });
    return { serviceName: checked.apply((c) => c.serviceName), port: checked.apply((c) => c.port), service };
  }
  const ref = p.service;
  if (isPlain(ref.name) && isPlain(ref.port)) return { serviceName: ref.name, port: ref.port };
  // Checked at construction when plain; an Output is checked here once known (during an update: in a preview its
  // value is unknown and this callback does not run).
  const checked = pulumi.all([ref.name, ref.port]).apply(([name, port]) => {
    checkKnownServiceRef(routeName, field, name, port, resource);
    return { name, port };
  });
  return { serviceName: checked.apply((c) => c.name), port: checked.apply((c) => c.port) };
}

function isPlain<T extends string | number>(value: pulumi.Input<T>): value is T {
  return typeof value === "string" || typeof value === "number";
}
