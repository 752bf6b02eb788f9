// controller: "traefik" — Traefik Proxy with its Kubernetes Ingress provider.
//
// Deployed with `k8s.helm.v4.Chart`: the chart has no Helm hooks, so each object is a Pulumi resource with its own
// preview diff, visible to policy packs. Its CRDs (Middleware, ServersTransport, ...) are installed with it because
// HostRoute options become Middlewares; a second Traefik gateway in the same cluster sets `installCrds: false`.
//
// Annotation dialect: `traefik.ingress.kubernetes.io/router.*` on the Ingress plus generated `traefik.io/v1alpha1`
// Middlewares (https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/). Traefik reads
// backend settings (scheme, sticky cookie, a ServersTransport with timeouts) from annotations on the backend
// *Service*, which a HostRoute does not own. When the backend is a `k8s.core.v1.Service` of the program, the route
// adds a companion Service (same selector and ports, plus those annotations) and points its Ingress at it; with a
// `{ name, port }` backend there is nothing to copy, so those options fail the preview saying what to do instead.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ArgProblem } from "../component-error";
import type {
  DeployedController,
  DialectBackend,
  GatewayDeployContext,
  RouteDialect,
  RouteDialectContext,
} from "../controller-kind";
import { commonServiceValues, createHelmController, type ChartSource } from "../helm-deploy";
import { formatDuration, sizeInBytes, type RouteOptions } from "../route-options";
import { prefixAlternation, prefixOf, rewriteBase } from "../rewrite-paths";
import { unsupportedOption } from "./unsupported";

export const TRAEFIK_CHART: ChartSource = {
  chart: "traefik",
  repository: "https://traefik.github.io/charts",
  version: "41.3.0",
};
export const TRAEFIK_CONTROLLER_NAME = "traefik.io/ingress-controller";
const SERVICE = "traefik.ingress.kubernetes.io/service.";

export function buildTraefikValues(ctx: GatewayDeployContext): Record<string, unknown> {
  const service = commonServiceValues(ctx);
  const { loadBalancerIP, ...rest } = service;
  const values: Record<string, unknown> = {
    fullnameOverride: ctx.ingressClassName,
    ingressClass: { enabled: true, isDefaultClass: ctx.isDefaultClass, name: ctx.ingressClassName },
    providers: {
      // Only Ingresses of this class, and their status gets the Service's address.
      kubernetesIngress: {
        enabled: true,
        ingressClass: ctx.ingressClassName,
        publishedService: { enabled: true },
      },
      // Reads the Middlewares that HostRoute options generate.
      kubernetesCRD: { enabled: true },
      kubernetesGateway: { enabled: false },
    },
    service: loadBalancerIP === undefined ? rest : { ...rest, spec: { loadBalancerIP } },
  };
  if (ctx.replicas !== undefined) values.deployment = { replicas: ctx.replicas };
  if (ctx.resources !== undefined) values.resources = ctx.resources;
  return values;
}

export function deployTraefik(ctx: GatewayDeployContext, installCrds: boolean): DeployedController {
  return createHelmController(ctx, {
    source: TRAEFIK_CHART,
    via: "v4-chart",
    values: buildTraefikValues(ctx),
    serviceName: ctx.ingressClassName,
    skipCrds: !installCrds,
  });
}

const ON_SERVICE =
  "Traefik reads it from annotations on the backend Service, and a { name, port } backend gives the route no " +
  "Service to copy";

function annotateServiceFix(annotation: string): string {
  return (
    `Pass the k8s.core.v1.Service resource as the backend (the route then adds a companion Service), or add ` +
    `"traefik.ingress.kubernetes.io/${annotation}" to the Service's annotations and remove the option.`
  );
}

/** Whether an option needs Traefik's Service-level annotations. */
function needsServiceAnnotations(options: RouteOptions): boolean {
  return (
    options.backendProtocol === "HTTPS" ||
    options.backendProtocol === "GRPC" ||
    options.timeouts?.connect !== undefined ||
    options.timeouts?.read !== undefined ||
    options.sessionAffinity === "cookie"
  );
}

/** A `traefik.io/v1alpha1` Middleware, child of the HostRoute. */
function createMiddleware(
  ctx: RouteDialectContext,
  suffix: string,
  spec: Record<string, unknown>,
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    `${ctx.routeName}-${suffix}`,
    { apiVersion: "traefik.io/v1alpha1", kind: "Middleware", metadata: { namespace: ctx.namespace }, spec },
    { parent: ctx.parent, dependsOn: ctx.dependsOn },
  );
}

export const traefikDialect: RouteDialect = {
  controller: "traefik",
  findUnsupportedOptions(options, paths): ArgProblem[] {
    const problems: ArgProblem[] = [];
    if (options.timeouts?.send !== undefined) {
      problems.push(
        unsupportedOption(
          "traefik",
          "timeouts.send",
          "its ServersTransport has dial and response-header timeouts but no send timeout",
          "Remove timeouts.send; timeouts.read and timeouts.connect are supported.",
        ),
      );
    }
    if (!needsServiceAnnotations(options) || paths.every((p) => p.serviceIsResource)) return problems;
    if (options.backendProtocol === "HTTPS" || options.backendProtocol === "GRPC") {
      const scheme = options.backendProtocol === "HTTPS" ? "https" : "h2c";
      problems.push(
        unsupportedOption(
          "traefik",
          "backendProtocol",
          ON_SERVICE,
          annotateServiceFix(`service.serversscheme: "${scheme}"`),
        ),
      );
    }
    for (const key of ["connect", "read"] as const) {
      if (options.timeouts?.[key] === undefined) continue;
      problems.push(
        unsupportedOption(
          "traefik",
          `timeouts.${key}`,
          `${ON_SERVICE} (a ServersTransport with forwardingTimeouts)`,
          annotateServiceFix("service.serverstransport"),
        ),
      );
    }
    if (options.sessionAffinity === "cookie") {
      problems.push(
        unsupportedOption(
          "traefik",
          "sessionAffinity",
          ON_SERVICE,
          annotateServiceFix('service.sticky.cookie: "true"'),
        ),
      );
    }
    return problems;
  },
  buildRoute(ctx: RouteDialectContext) {
    const { options } = ctx;
    const middlewares: k8s.apiextensions.CustomResource[] = [];
    if (options.sslRedirect === true) {
      middlewares.push(
        createMiddleware(ctx, "redirect", { redirectScheme: { scheme: "https", permanent: true } }),
      );
    }
    if (options.rewriteTarget !== undefined) {
      const base = rewriteBase(options.rewriteTarget);
      middlewares.push(
        base === ""
          ? createMiddleware(ctx, "rewrite", {
              stripPrefix: {
                prefixes: [...new Set(ctx.paths.map((p) => prefixOf(p.path)).filter((p) => p !== ""))],
              },
            })
          : createMiddleware(ctx, "rewrite", {
              replacePathRegex: {
                regex: `^${prefixAlternation(ctx.paths)}(/.*)?$`,
                replacement: `${base}$1`,
              },
            }),
      );
    }
    if (options.maxBodySize !== undefined && sizeInBytes(options.maxBodySize) !== 0) {
      middlewares.push(
        createMiddleware(ctx, "body-size", {
          buffering: { maxRequestBodyBytes: sizeInBytes(options.maxBodySize) },
        }),
      );
    }
    const annotations: Record<string, pulumi.Input<string>> = {};
    const backends = needsServiceAnnotations(options) ? companionBackends(ctx) : undefined;
    if (middlewares.length > 0) {
      annotations["traefik.ingress.kubernetes.io/router.middlewares"] = pulumi
        .all([ctx.namespace, ...middlewares.map((m) => m.metadata.name)])
        .apply(([namespace, ...names]) =>
          names.map((name) => `${namespace}-${name}@kubernetescrd`).join(","),
        );
    }
    return backends ? { annotations, backends } : { annotations };
  },
};

/** `traefik.io/v1alpha1` ServersTransport carrying the route's timeouts (and HTTPS settings), or undefined. */
function createServersTransport(ctx: RouteDialectContext): k8s.apiextensions.CustomResource | undefined {
  const { options } = ctx;
  const forwardingTimeouts: Record<string, string> = {};
  if (options.timeouts?.connect !== undefined) {
    forwardingTimeouts.dialTimeout = formatDuration(options.timeouts.connect);
  }
  if (options.timeouts?.read !== undefined) {
    forwardingTimeouts.responseHeaderTimeout = formatDuration(options.timeouts.read);
    forwardingTimeouts.readIdleTimeout = formatDuration(options.timeouts.read);
  }
  const https = options.backendProtocol === "HTTPS";
  if (Object.keys(forwardingTimeouts).length === 0 && !https) return undefined;
  return new k8s.apiextensions.CustomResource(
    `${ctx.routeName}-transport`,
    {
      apiVersion: "traefik.io/v1alpha1",
      kind: "ServersTransport",
      metadata: { namespace: ctx.namespace },
      spec: {
        ...(Object.keys(forwardingTimeouts).length > 0 ? { forwardingTimeouts } : {}),
        // Like the NGINX controllers' default (proxy_ssl_verify off): backends' certificates are usually
        // cluster-internal or self-signed.
        ...(https ? { insecureSkipVerify: true } : {}),
      },
    },
    { parent: ctx.parent, dependsOn: ctx.dependsOn },
  );
}

/**
 * One companion Service per backend Service resource of the route: the same selector and ports, plus the Traefik
 * Service annotations for the route's backend options. Returns the Ingress backends, one per path.
 */
function companionBackends(ctx: RouteDialectContext): DialectBackend[] {
  const { options } = ctx;
  const transport = createServersTransport(ctx);
  const annotations: Record<string, pulumi.Input<string>> = {};
  if (options.backendProtocol === "HTTPS") annotations[`${SERVICE}serversscheme`] = "https";
  if (options.backendProtocol === "GRPC") annotations[`${SERVICE}serversscheme`] = "h2c";
  if (transport) {
    annotations[`${SERVICE}serverstransport`] = pulumi
      .all([ctx.namespace, transport.metadata.name])
      .apply(([namespace, name]) => `${namespace}-${name}@kubernetescrd`);
  }
  if (options.sessionAffinity === "cookie") {
    annotations[`${SERVICE}sticky.cookie`] = "true";
    if (options.sessionCookieName !== undefined) {
      annotations[`${SERVICE}sticky.cookie.name`] = options.sessionCookieName;
    }
  }
  const companions = new Map<k8s.core.v1.Service, k8s.core.v1.Service>();
  return ctx.paths.map((p, i) => {
    const original = p.backend.service;
    if (!original) return p.backend; // refused at validation unless every backend is a Service resource
    let companion = companions.get(original);
    if (!companion) {
      companion = new k8s.core.v1.Service(
        `${ctx.routeName}-traefik-${i}`,
        {
          metadata: {
            namespace: ctx.namespace,
            annotations,
            labels: { "app.kubernetes.io/managed-by": "ingress-kit", "ingress-kit.dev/route": ctx.routeName },
          },
          spec: {
            type: "ClusterIP",
            selector: original.spec.selector,
            ports: original.spec.ports.apply((ports) =>
              (ports ?? []).map((port) => ({
                name: port.name,
                port: port.port,
                targetPort: port.targetPort,
                protocol: port.protocol,
                appProtocol: port.appProtocol,
              })),
            ),
          },
        },
        { parent: ctx.parent },
      );
      companions.set(original, companion);
    }
    return { serviceName: companion.metadata.name, port: p.backend.port, service: companion };
  });
}
