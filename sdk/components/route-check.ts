// The matcher's view of a HostRoute: the plain Ingress it is checked as (the route as written, whatever the
// controller's dialect makes of it), the matcher's problems reworded for the route, and its registration in the
// gateway's conflict index, whose conflicts become errors naming both routes.
import * as pulumi from "@pulumi/pulumi";
import { validateIngress, type IngressObject, type Problem } from "../matcher";
import { throwProblems } from "./component-error";
import { describeRouteConflict } from "./conflict-messages";
import type { HostRouteArgs, HostRoutePath } from "./host-route";
import { isService, resourceNameOf } from "./route-backends";
import { addRoute, reserveIngressName, type RouteEntry } from "./route-registry";
import type { ResolvedRouteArgs } from "./route-validation";
import type { HostRouteTls } from "./tls";

const servicePlaceholders = new WeakMap<object, string>();
let placeholderCount = 0;

/** A stable stand-in name for a backend whose name is not a plain string yet (same Service, same stand-in). */
function placeholderFor(key: object): string {
  let name = servicePlaceholders.get(key);
  if (!name) {
    name = `computed-${(placeholderCount++).toString(36)}`;
    servicePlaceholders.set(key, name);
  }
  return name;
}

/** How one path's backend reads in messages and in the matcher's Ingress. */
export function describeBackend(
  p: HostRoutePath,
  namespace: string | undefined,
): { display: string; name: string; port: { number: number } | { name: string } } {
  const ns = namespace ?? "(computed)";
  if (isService(p.service)) {
    const port = p.port;
    return {
      display: `${ns}/${resourceNameOf(p.service)}:${port ?? "(its port)"}`,
      name: placeholderFor(p.service),
      port: typeof port === "number" ? { number: port } : { name: port ?? "default-port" },
    };
  }
  const ref = p.service;
  const name = typeof ref.name === "string" ? ref.name : placeholderFor(ref);
  const port: { number: number } | { name: string } =
    typeof ref.port === "number"
      ? { number: ref.port }
      : typeof ref.port === "string"
        ? { name: ref.port }
        : { name: "computed-port" };
  const portLabel =
    "number" in port ? String(port.number) : typeof ref.port === "string" ? ref.port : "(computed)";
  return {
    display: `${ns}/${typeof ref.name === "string" ? ref.name : "(computed)"}:${portLabel}`,
    name,
    port,
  };
}

/** How the route's TLS reads in messages, and the secret name the matcher sees. */
function describeTls(
  tls: HostRouteTls | undefined,
  ingressName: string,
): { label?: string; secretName?: string } {
  if (!tls) return {};
  if (tls.clusterIssuer) {
    const secretName = tls.secretName ?? `${ingressName}-tls`;
    return { label: `cert-manager issuer "${tls.clusterIssuer}" (secret "${secretName}")`, secretName };
  }
  if (tls.secretName) return { label: `secret "${tls.secretName}"`, secretName: tls.secretName };
  return { label: "its own self-signed certificate", secretName: `self-signed-${ingressName}` };
}

/** The plain Ingress the matcher checks: the route as written, whatever the controller's dialect makes of it. */
export function buildMatcherIngress(
  ingressName: string,
  namespace: string,
  resolved: ResolvedRouteArgs,
  args: HostRouteArgs,
  tlsSecretName: string | undefined,
): IngressObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name: ingressName, namespace },
    spec: {
      ingressClassName: resolved.gateway.ingressClassName,
      rules: [
        {
          host: resolved.host,
          http: {
            paths: args.paths.map((p, i) => {
              const backend = describeBackend(p, resolved.plainNamespace);
              return {
                path: resolved.paths[i]!.path,
                pathType: resolved.paths[i]!.pathType,
                backend: { service: { name: backend.name, port: backend.port } },
              };
            }),
          },
        },
      ],
      ...(tlsSecretName !== undefined
        ? { tls: [{ hosts: [resolved.host], secretName: tlsSecretName }] }
        : {}),
    },
  };
}

/** `spec.rules[0].http.paths[1].backend.service.port` → `paths[1].service.port`, for messages. */
export function routeFieldOf(matcherField: string): string {
  return matcherField
    .replace(/^spec\.rules\[\d+\]\.host$/, "host")
    .replace(/^spec\.rules\[\d+\]\.http\.paths\[(\d+)\]\.backend\.service/, "paths[$1].service")
    .replace(/^spec\.rules\[\d+\]\.http\.paths\[(\d+)\]/, "paths[$1]")
    .replace(/^spec\.tls.*$/, "tls");
}

/**
 * A matcher problem reworded for the route: the matcher names the Ingress and its field
 * (`Ingress default/shop: spec.rules[0].host "x" ...`); the route names its own argument (`host "x" ...`).
 */
export function routeProblemMessage(problem: Problem): string {
  const field = routeFieldOf(problem.field);
  const refPrefix = `Ingress ${problem.object.namespace}/${problem.object.name}: `;
  let message = problem.message.startsWith(refPrefix)
    ? problem.message.slice(refPrefix.length)
    : problem.message;
  if (message.startsWith(problem.field)) message = `${field}${message.slice(problem.field.length)}`;
  else message = `${field}: ${message}`;
  return message;
}

/** Raises the matcher's problems of the route's Ingress (errors throw; warnings are logged). */
export function raiseMatcherProblems(
  routeName: string,
  problems: readonly Problem[],
  resource: pulumi.Resource,
): void {
  const prefix = `HostRoute "${routeName}"`;
  for (const p of problems.filter((x) => x.severity === "warning")) {
    void pulumi.log.warn(`${prefix}: ${routeProblemMessage(p)} [${p.code}]`, resource);
  }
  throwProblems(
    prefix,
    problems
      .filter((p) => p.severity === "error")
      .map((p) => ({ code: p.code, field: routeFieldOf(p.field), message: routeProblemMessage(p) })),
    resource,
  );
}

/**
 * Checks a validated route with the matcher and adds it to its gateway's conflict index: throws an IngressKitError
 * for the matcher's errors and for conflicts with the program's other routes (warnings are logged). Returns the TLS
 * secret name the Ingress uses when the route names one (`secretName`, or cert-manager's).
 */
export function checkRoute(
  name: string,
  args: HostRouteArgs,
  r: ResolvedRouteArgs,
  resource: pulumi.Resource,
): { tlsSecretName?: string } {
  const prefix = `HostRoute "${name}"`;
  const cls = r.gateway.ingressClassName;
  const registryNamespace = r.plainNamespace ?? "default";
  const ingressName = reserveIngressName(cls, registryNamespace, name);
  const tls = describeTls(args.tls, ingressName);
  const matcherIngress = buildMatcherIngress(ingressName, registryNamespace, r, args, tls.secretName);
  raiseMatcherProblems(name, validateIngress(matcherIngress), resource);
  const entry: RouteEntry = {
    routeName: name,
    gatewayLabel: r.gateway.label,
    paths: args.paths.map((p, i) => ({
      path: r.paths[i]!.path,
      pathType: r.paths[i]!.pathType,
      backend: describeBackend(p, r.plainNamespace).display,
    })),
    ...(tls.label !== undefined ? { tls: tls.label } : {}),
  };
  const { conflicts, routeOf } = addRoute(cls, matcherIngress, entry);
  const self = { namespace: registryNamespace, name: ingressName };
  const described = conflicts.map((c) => describeRouteConflict(c, self, entry, routeOf));
  for (const w of described.filter((d) => d.severity === "warning")) {
    void pulumi.log.warn(`${prefix}: ${w.message} [${w.code}]`, resource);
  }
  throwProblems(
    prefix,
    described
      .filter((d) => d.severity === "error")
      .map((d) => ({ code: d.code, field: "paths", message: d.message })),
    resource,
  );
  return args.tls?.selfSigned || tls.secretName === undefined ? {} : { tlsSecretName: tls.secretName };
}
