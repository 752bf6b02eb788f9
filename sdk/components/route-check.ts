// The matcher's view of a HostRoute: the plain Ingress it is checked as (the route as written, whatever the
// controller's dialect makes of it), the matcher's problems reworded for the route, and its registration in the
// gateway's conflict index, whose conflicts become errors naming both routes.
import * as pulumi from "@pulumi/pulumi";
import { validateIngress, type IngressObject, type Problem } from "../matcher";
import { throwProblems } from "./component-error";
import { describeRouteConflicts } from "./conflict-messages";
import type { HostRouteArgs, HostRoutePath } from "./host-route";
import { isService, resolveNamespace, resourceNameOf } from "./route-backends";
import { routeFieldOf } from "./route-fields";
import { addRoute, releaseIngressName, reserveIngressName, type RouteEntry } from "./route-registry";
import type { ResolvedRouteArgs } from "./route-validation";
import type { HostRouteTls } from "./tls";

const placeholders = new WeakMap<object, string>();
let placeholderCount = 0;

/**
 * A stable stand-in for a value that is not a plain string yet (a Service resource's name, an Output), keyed by the
 * object: the same Service or Output gets the same stand-in. Only the matcher sees it, never a message.
 */
function placeholderFor(key: object): string {
  let name = placeholders.get(key);
  if (!name) {
    name = `computed-${(placeholderCount++).toString(36)}`;
    placeholders.set(key, name);
  }
  return name;
}

/** `value` when it is an object (an Output) to key a stand-in on, else `fallback`. */
function keyOf(value: unknown, fallback: object): object {
  return typeof value === "object" && value !== null ? value : fallback;
}

/** How one path's backend reads in messages (`display`) and in the matcher's Ingress (`name`, `port`). */
export function describeBackend(
  p: HostRoutePath,
  namespace: string | undefined,
): { display: string; name: string; port: { number: number } | { name: string } } {
  if (isService(p.service)) {
    const port = p.port;
    const portLabel =
      typeof port === "number"
        ? `port ${port}`
        : typeof port === "string"
          ? `port "${port}"`
          : "its only port";
    const where = namespace !== undefined ? ` in namespace "${namespace}"` : "";
    return {
      display: `Service resource "${resourceNameOf(p.service)}" (${portLabel})${where}`,
      name: placeholderFor(p.service),
      port: typeof port === "number" ? { number: port } : { name: port ?? "default-port" },
    };
  }
  const ref = p.service;
  const name = typeof ref.name === "string" ? ref.name : placeholderFor(keyOf(ref.name, ref));
  const port: { number: number } | { name: string } =
    typeof ref.port === "number"
      ? { number: ref.port }
      : typeof ref.port === "string"
        ? { name: ref.port }
        : { name: placeholderFor(keyOf(ref.port, ref)) };
  const portLabel = typeof ref.port === "number" || typeof ref.port === "string" ? ref.port : "(computed)";
  const nameLabel = typeof ref.name === "string" ? ref.name : "(computed)";
  const display =
    namespace !== undefined
      ? `service ${namespace}/${nameLabel}:${portLabel}`
      : `service ${nameLabel}:${portLabel} in a namespace given as an Output`;
  return { display, name, port };
}

/**
 * The route's namespace when it is a plain string: the `namespace` arg, else the one of its backends, else
 * "default" (as `resolveNamespace` decides it). Undefined when it is only known after preview.
 */
function knownNamespace(args: HostRouteArgs, r: ResolvedRouteArgs): string | undefined {
  if (r.plainNamespace !== undefined) return r.plainNamespace;
  const namespace = resolveNamespace(args);
  return typeof namespace === "string" ? namespace : undefined;
}

/**
 * What the route's unknown namespace is keyed on, so that routes given the same namespace Output (or backed by the
 * same Service resource) share it and every other unknown namespace is distinct.
 */
function unknownNamespaceKey(args: HostRouteArgs): object {
  const source: unknown =
    args.namespace ??
    (isService(args.paths[0]?.service) ? args.paths[0].service : args.paths[0]?.service.namespace);
  return typeof source === "object" && source !== null ? source : {};
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

/**
 * The plain Ingress the matcher checks: the route as written, whatever the controller's dialect makes of it.
 * `qualifyBackends` prefixes every backend name (`key/name`, which only the conflict index sees, never validation):
 * for a route whose namespace is unknown at preview, so that its backends differ from those of every other
 * namespace.
 */
export function buildMatcherIngress(
  ingressName: string,
  namespace: string,
  resolved: ResolvedRouteArgs,
  args: HostRouteArgs,
  tlsSecretName: string | undefined,
  backendNamespace: string | undefined = resolved.plainNamespace,
  qualifyBackends?: string,
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
              const backend = describeBackend(p, backendNamespace);
              const name =
                qualifyBackends === undefined ? backend.name : `${qualifyBackends}/${backend.name}`;
              return {
                path: resolved.paths[i]!.path,
                pathType: resolved.paths[i]!.pathType,
                backend: { service: { name, port: backend.port } },
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
 * Checks a validated route with the matcher and its gateway's conflict index: throws an IngressKitError for the
 * matcher's errors and for conflicts with its own paths or the program's other routes (warnings are logged). The
 * route stays in the index only when it has no error, so later routes are never checked against a route that was
 * not created. Returns the TLS secret name the Ingress uses when the route names one (`secretName`, or
 * cert-manager's).
 */
export function checkRoute(
  name: string,
  args: HostRouteArgs,
  r: ResolvedRouteArgs,
  resource: pulumi.Resource,
): { tlsSecretName?: string } {
  const prefix = `HostRoute "${name}"`;
  const cls = r.gateway.ingressClassName;
  const namespace = knownNamespace(args, r);
  const registryNamespace = namespace ?? "default";
  const ingressName = reserveIngressName(cls, registryNamespace, name);
  const tls = describeTls(args.tls, ingressName);
  const matcherIngress = buildMatcherIngress(
    ingressName,
    registryNamespace,
    r,
    args,
    tls.secretName,
    namespace,
  );
  try {
    raiseMatcherProblems(name, validateIngress(matcherIngress), resource);
  } catch (error) {
    releaseIngressName(cls, registryNamespace, ingressName);
    throw error;
  }
  // A namespace only known after preview may be any namespace: its backends are distinct from every other route's
  // (two routes to `{ name: "x" }` in unknown namespaces conflict), except routes keyed on the same namespace.
  const indexed =
    namespace === undefined
      ? buildMatcherIngress(
          ingressName,
          registryNamespace,
          r,
          args,
          tls.secretName,
          namespace,
          `(namespace ${placeholderFor(unknownNamespaceKey(args))})`,
        )
      : matcherIngress;
  const entry: RouteEntry = {
    routeName: name,
    gatewayLabel: r.gateway.label,
    paths: args.paths.map((p, i) => ({
      path: r.paths[i]!.path,
      pathType: r.paths[i]!.pathType,
      backend: describeBackend(p, namespace).display,
    })),
    ...(tls.label !== undefined ? { tls: tls.label } : {}),
  };
  const { conflicts, routeOf, withdraw } = addRoute(cls, indexed, entry);
  const self = { namespace: registryNamespace, name: ingressName };
  const ownBackends = indexed.spec?.rules?.[0]?.http?.paths?.map((p) => p.backend) ?? [];
  const described = describeRouteConflicts(conflicts, self, entry, ownBackends, routeOf);
  for (const w of described.filter((d) => d.severity === "warning")) {
    void pulumi.log.warn(`${prefix}: ${w.message} [${w.code}]`, resource);
  }
  const errors = described.filter((d) => d.severity === "error");
  // A route that fails is not created: later routes must not conflict with it.
  if (errors.length > 0) withdraw();
  throwProblems(
    prefix,
    errors.map((d) => ({ code: d.code, field: d.field ?? "paths", message: d.message })),
    resource,
  );
  return args.tls?.selfSigned || tls.secretName === undefined ? {} : { tlsSecretName: tls.secretName };
}
