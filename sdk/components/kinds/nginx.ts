// controller: "nginx" — F5's NGINX Ingress Controller (nginx/kubernetes-ingress), the maintained NGINX choice.
//
// Deployed with `k8s.helm.v4.Chart`: the chart needs no Helm hooks, so every object becomes a Pulumi resource with its
// own preview diff, visible to policy packs. Its CRDs (VirtualServer & co.) are left out and custom resources are
// disabled: this gateway serves Ingress objects only, and cluster-wide CRDs would make two gateways fight over them.
//
// Annotation dialect: `nginx.org/*` plus `ingress.kubernetes.io/ssl-redirect`
// (https://docs.nginx.com/nginx-ingress-controller/configuration/ingress-resources/advanced-configuration-with-annotations/).
import * as pulumi from "@pulumi/pulumi";
import type { ArgProblem } from "../component-error";
import type {
  DeployedController,
  GatewayDeployContext,
  RouteDialect,
  RouteDialectContext,
} from "../controller-kind";
import { commonServiceValues, createHelmController, workloadValues, type ChartSource } from "../helm-deploy";
import { formatDuration } from "../route-options";
import { unsupportedOption } from "./unsupported";

export const NGINX_CHART: ChartSource = {
  chart: "nginx-ingress",
  repository: "https://helm.nginx.com/stable",
  version: "2.7.2",
};
/** `spec.controller` of the IngressClass the chart creates. */
export const NGINX_CONTROLLER_NAME = "nginx.org/ingress-controller";

/** Chart values that make the controller own exactly this gateway's IngressClass and report its address. */
export function buildNginxValues(ctx: GatewayDeployContext): Record<string, unknown> {
  return {
    fullnameOverride: ctx.ingressClassName,
    controller: {
      ...workloadValues(ctx),
      // The controller serves only Ingresses whose ingressClassName is this name.
      ingressClass: { name: ctx.ingressClassName, create: true, setAsDefaultIngress: ctx.isDefaultClass },
      enableCustomResources: false,
      // Fills Ingress status from the controller's own LoadBalancer Service (`-external-service`).
      reportIngressStatus: { enable: true },
      // HTTP/2 on the listener, needed by gRPC backends (`nginx.org/grpc-services`).
      config: { entries: { http2: "true" } },
      service: { create: true, ...commonServiceValues(ctx) },
    },
  };
}

export function deployNginx(ctx: GatewayDeployContext): DeployedController {
  return createHelmController(ctx, {
    source: NGINX_CHART,
    via: "v4-chart",
    values: buildNginxValues(ctx),
    serviceName: `${ctx.ingressClassName}-controller`,
    skipCrds: true,
  });
}

/** `nginx.org/*` annotations for the typed HostRoute options. */
export const nginxDialect: RouteDialect = {
  controller: "nginx",
  findUnsupportedOptions(options): ArgProblem[] {
    const problems: ArgProblem[] = [];
    if (options.sessionAffinity === "cookie") {
      problems.push(
        unsupportedOption(
          "nginx",
          "sessionAffinity",
          "cookie affinity (nginx.org/sticky-cookie-services) is an NGINX Plus feature the open-source controller lacks",
          'Remove sessionAffinity, or use controller "traefik" (via a Service annotation), "ingress-nginx" or "builtin".',
        ),
      );
    }
    return problems;
  },
  buildRoute(ctx: RouteDialectContext) {
    const { options } = ctx;
    const annotations: Record<string, pulumi.Input<string>> = {};
    if (options.sslRedirect !== undefined) {
      annotations["ingress.kubernetes.io/ssl-redirect"] = String(options.sslRedirect);
    }
    const serviceNames = pulumi
      .all(ctx.paths.map((p) => p.backend.serviceName))
      .apply((names) => [...new Set(names)].sort());
    if (options.rewriteTarget !== undefined) {
      const target = options.rewriteTarget;
      annotations["nginx.org/rewrites"] = serviceNames.apply((names) =>
        names.map((name) => `serviceName=${name} rewrite=${target}`).join(";"),
      );
    }
    if (options.backendProtocol === "HTTPS") {
      annotations["nginx.org/ssl-services"] = serviceNames.apply((n) => n.join(","));
    }
    if (options.backendProtocol === "GRPC") {
      annotations["nginx.org/grpc-services"] = serviceNames.apply((n) => n.join(","));
    }
    const t = options.timeouts;
    if (t?.connect !== undefined) annotations["nginx.org/proxy-connect-timeout"] = formatDuration(t.connect);
    if (t?.read !== undefined) annotations["nginx.org/proxy-read-timeout"] = formatDuration(t.read);
    if (t?.send !== undefined) annotations["nginx.org/proxy-send-timeout"] = formatDuration(t.send);
    if (options.maxBodySize !== undefined) {
      annotations["nginx.org/client-max-body-size"] = options.maxBodySize;
    }
    return { annotations };
  },
};
