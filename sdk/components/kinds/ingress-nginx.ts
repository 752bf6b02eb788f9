// controller: "ingress-nginx" — the community kubernetes/ingress-nginx, RETIRED in March 2026 (no more releases,
// bug fixes or security fixes). Kept for the clusters that still run it; migrate with `controller: "nginx"`.
//
// Deployed with `k8s.helm.v3.Release`: the chart's admission webhook gets its certificate from Helm hook Jobs
// (`admissionWebhooks.patch`), which `helm.v4.Chart` leaves out; a Release installs the chart exactly as
// `helm install` does on the clusters being migrated from.
//
// Annotation dialect: `nginx.ingress.kubernetes.io/*`
// (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/).
import * as pulumi from "@pulumi/pulumi";
import type { ArgProblem } from "../component-error";
import type {
  DeployedController,
  GatewayDeployContext,
  RouteDialect,
  RouteDialectContext,
} from "../controller-kind";
import { commonServiceValues, createHelmController, workloadValues, type ChartSource } from "../helm-deploy";
import { formatSeconds } from "../route-options";
import { escapeRegex, prefixOf, rewriteBase } from "../rewrite-paths";
import { unsupportedOption } from "./unsupported";

export const INGRESS_NGINX_CHART: ChartSource = {
  chart: "ingress-nginx",
  repository: "https://kubernetes.github.io/ingress-nginx",
  version: "4.15.1",
};

/**
 * `spec.controller` of this gateway's IngressClass: the chart's `k8s.io/ingress-nginx` plus the class name, because
 * ingress-nginx serves every IngressClass whose controller value equals its `--controller-class`; a value per
 * gateway makes two ingress-nginx gateways in one cluster each own only their class.
 */
export function ingressNginxControllerName(ingressClassName: string): string {
  return `k8s.io/ingress-nginx/${ingressClassName}`;
}

/** The preview warning printed for every ingress-nginx gateway. */
export function ingressNginxRetirementWarning(gatewayName: string): string {
  return (
    `IngressGateway "${gatewayName}": controller "ingress-nginx" (kubernetes/ingress-nginx) was retired in March 2026 ` +
    `and gets no further releases or security fixes. Migrate by changing one word: controller: "nginx" ` +
    `(F5 NGINX Ingress Controller); routes that use only typed options need no other change.`
  );
}

export function buildIngressNginxValues(ctx: GatewayDeployContext): Record<string, unknown> {
  return {
    fullnameOverride: ctx.ingressClassName,
    controller: {
      ...workloadValues(ctx),
      ingressClass: ctx.ingressClassName,
      ingressClassResource: {
        name: ctx.ingressClassName,
        enabled: true,
        default: ctx.isDefaultClass,
        controllerValue: ingressNginxControllerName(ctx.ingressClassName),
      },
      watchIngressWithoutClass: false,
      electionID: `${ctx.ingressClassName}-leader`,
      // Writes the Service's load balancer address into Ingress status.
      publishService: { enabled: true },
      service: commonServiceValues(ctx),
    },
  };
}

export function deployIngressNginx(ctx: GatewayDeployContext): DeployedController {
  void pulumi.log.warn(ingressNginxRetirementWarning(ctx.name), ctx.parent);
  return createHelmController(ctx, {
    source: INGRESS_NGINX_CHART,
    via: "v3-release",
    values: buildIngressNginxValues(ctx),
    serviceName: `${ctx.ingressClassName}-controller`,
  });
}

const PREFIX = "nginx.ingress.kubernetes.io/";

export const ingressNginxDialect: RouteDialect = {
  controller: "ingress-nginx",
  findUnsupportedOptions(options, paths): ArgProblem[] {
    const problems: ArgProblem[] = [];
    for (const key of ["connect", "read", "send"] as const) {
      const value = options.timeouts?.[key];
      if (value !== undefined && !Number.isInteger(value)) {
        problems.push(
          unsupportedOption(
            "ingress-nginx",
            `timeouts.${key}`,
            `it takes whole seconds and ${value} is not`,
            `Use a whole number of seconds.`,
          ),
        );
      }
    }
    if (options.rewriteTarget !== undefined && paths.some((p) => p.pathType === "Exact")) {
      problems.push(
        unsupportedOption(
          "ingress-nginx",
          "rewriteTarget",
          "its rewrite-target works through regex paths, which replace Exact paths' exact matching",
          `Use pathType "Prefix" for the paths of this route, or move the Exact paths to a route without rewriteTarget.`,
        ),
      );
    }
    return problems;
  },
  buildRoute(ctx: RouteDialectContext) {
    const { options } = ctx;
    const annotations: Record<string, pulumi.Input<string>> = {};
    let paths: { path: string; pathType: "ImplementationSpecific" }[] | undefined;
    if (options.sslRedirect !== undefined) annotations[`${PREFIX}ssl-redirect`] = String(options.sslRedirect);
    if (options.rewriteTarget !== undefined) {
      // `/api(/|$)(.*)` with rewrite-target `<target>/$2`: the documented way to replace a prefix.
      annotations[`${PREFIX}use-regex`] = "true";
      annotations[`${PREFIX}rewrite-target`] = `${rewriteBase(options.rewriteTarget)}/$2`;
      // "/" becomes `/()(.*)`: an absolute path whose second group is the whole rest, as for the others.
      paths = ctx.paths.map((p) => {
        const prefix = prefixOf(p.path);
        return {
          path: prefix === "" ? "/()(.*)" : `${escapeRegex(prefix)}(/|$)(.*)`,
          pathType: "ImplementationSpecific",
        };
      });
    }
    if (options.backendProtocol !== undefined) {
      annotations[`${PREFIX}backend-protocol`] = options.backendProtocol;
    }
    const t = options.timeouts;
    if (t?.connect !== undefined) annotations[`${PREFIX}proxy-connect-timeout`] = formatSeconds(t.connect);
    if (t?.read !== undefined) annotations[`${PREFIX}proxy-read-timeout`] = formatSeconds(t.read);
    if (t?.send !== undefined) annotations[`${PREFIX}proxy-send-timeout`] = formatSeconds(t.send);
    if (options.maxBodySize !== undefined) annotations[`${PREFIX}proxy-body-size`] = options.maxBodySize;
    if (options.sessionAffinity === "cookie") {
      annotations[`${PREFIX}affinity`] = "cookie";
      if (options.sessionCookieName !== undefined) {
        annotations[`${PREFIX}session-cookie-name`] = options.sessionCookieName;
      }
    }
    return paths ? { annotations, paths } : { annotations };
  },
};
