// controller: "haproxy" — HAProxy Technologies' Kubernetes Ingress Controller (haproxytech/kubernetes-ingress).
//
// Deployed with `k8s.helm.v3.Release`: the chart installs its CRDs with a Job that is a Helm hook
// (`post-install,pre-upgrade`), which `helm.v4.Chart` leaves out; a Release runs the hooks as Helm does.
// The chart's Service defaults to NodePort, so the type is always set from the gateway's `service.type`.
//
// Annotation dialect: `haproxy.org/*` (https://www.haproxy.com/documentation/kubernetes-ingress/community/configuration-reference/ingress/).
// Several HAProxy settings work only in the ConfigMap or on the Service, never on an Ingress: those options fail the
// preview naming the controller.
import type * as pulumi from "@pulumi/pulumi";
import type { ArgProblem } from "../component-error";
import type {
  DeployedController,
  GatewayDeployContext,
  RouteDialect,
  RouteDialectContext,
} from "../controller-kind";
import { commonServiceValues, createHelmController, workloadValues, type ChartSource } from "../helm-deploy";
import { formatDuration } from "../route-options";
import { prefixAlternation, rewriteBase } from "../rewrite-paths";
import { unsupportedOption } from "./unsupported";

export const HAPROXY_CHART: ChartSource = {
  chart: "kubernetes-ingress",
  repository: "https://haproxytech.github.io/helm-charts",
  version: "1.52.1",
};

/** `spec.controller` of the IngressClass the chart creates for `--ingress.class=<class>`. */
export function haproxyControllerName(ingressClassName: string): string {
  return `haproxy.org/ingress-controller/${ingressClassName}`;
}

export function buildHaproxyValues(ctx: GatewayDeployContext): Record<string, unknown> {
  return {
    fullnameOverride: ctx.ingressClassName,
    controller: {
      ...workloadValues(ctx),
      ingressClass: ctx.ingressClassName,
      ingressClassResource: { name: ctx.ingressClassName, default: ctx.isDefaultClass },
      // `--publish-service`: Ingress status gets the Service's address.
      publishService: { enabled: true },
      service: { enabled: true, ...commonServiceValues(ctx) },
    },
  };
}

export function deployHaproxy(ctx: GatewayDeployContext): DeployedController {
  return createHelmController(ctx, {
    source: HAPROXY_CHART,
    via: "v3-release",
    values: buildHaproxyValues(ctx),
    serviceName: ctx.ingressClassName,
  });
}

const PREFIX = "haproxy.org/";
const NOT_ON_INGRESS = "HAProxy reads it only from its ConfigMap or the backend Service, not from an Ingress";

export const haproxyDialect: RouteDialect = {
  controller: "haproxy",
  findUnsupportedOptions(options): ArgProblem[] {
    const problems: ArgProblem[] = [];
    if (options.timeouts?.connect !== undefined) {
      problems.push(
        unsupportedOption(
          "haproxy",
          "timeouts.connect",
          `${NOT_ON_INGRESS} (timeout-connect)`,
          "Set it in the gateway's values, or remove it.",
        ),
      );
    }
    if (options.timeouts?.send !== undefined) {
      problems.push(
        unsupportedOption(
          "haproxy",
          "timeouts.send",
          "HAProxy has no separate send timeout",
          "Remove it; timeouts.read sets timeout-server.",
        ),
      );
    }
    if (options.maxBodySize !== undefined) {
      problems.push(
        unsupportedOption(
          "haproxy",
          "maxBodySize",
          "HAProxy has no Ingress annotation that limits the body size",
          "Remove it.",
        ),
      );
    }
    if (options.sessionAffinity === "cookie") {
      problems.push(
        unsupportedOption(
          "haproxy",
          "sessionAffinity",
          `${NOT_ON_INGRESS} (cookie-persistence)`,
          'Annotate the backend Service with "haproxy.org/cookie-persistence", and remove the option.',
        ),
      );
    }
    return problems;
  },
  buildRoute(ctx: RouteDialectContext) {
    const { options } = ctx;
    const annotations: Record<string, pulumi.Input<string>> = {};
    if (options.sslRedirect !== undefined) annotations[`${PREFIX}ssl-redirect`] = String(options.sslRedirect);
    if (options.rewriteTarget !== undefined) {
      // "regex replacement": the matched prefix and one optional slash go, the rest is appended to the target.
      annotations[`${PREFIX}path-rewrite`] =
        `^${prefixAlternation(ctx.paths)}/?(.*)$ ${rewriteBase(options.rewriteTarget)}/\\1`;
    }
    if (options.backendProtocol === "HTTPS") annotations[`${PREFIX}server-ssl`] = "true";
    if (options.backendProtocol === "GRPC") annotations[`${PREFIX}server-proto`] = "h2";
    if (options.timeouts?.read !== undefined) {
      annotations[`${PREFIX}timeout-server`] = formatDuration(options.timeouts.read);
    }
    return { annotations };
  },
};
