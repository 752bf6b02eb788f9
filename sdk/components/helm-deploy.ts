// Declares a controller's official Helm chart, as a `helm.v4.Chart` or a `helm.v3.Release` (each kind module says
// which and why), and reads its Service address.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { DeployedController, GatewayDeployContext } from "./controller-kind";
import { mergeValues } from "./helm-values";
import { readServiceAddress } from "./service-address";

/** An official chart, pinned. */
export interface ChartSource {
  readonly chart: string;
  readonly repository: string;
  readonly version: string;
}

export interface HelmDeployment {
  readonly source: ChartSource;
  /** `"v4-chart"`: every object a Pulumi resource; `"v3-release"`: Helm installs it, hooks included. */
  readonly via: "v4-chart" | "v3-release";
  /** The values this kind needs; the gateway's `values` arg is merged over them. */
  readonly values: Record<string, unknown>;
  /** Name of the controller's Service the chart creates. */
  readonly serviceName: string;
  /** For v4 charts: leave the chart's CRDs out (they are cluster-wide, one owner per cluster). */
  readonly skipCrds?: boolean;
}

/** Declares the chart as a child of the gateway and returns its Service name and address. */
export function createHelmController(
  ctx: GatewayDeployContext,
  deployment: HelmDeployment,
): DeployedController {
  const values = mergeValues(deployment.values, ctx.values);
  const version = ctx.version ?? deployment.source.version;
  const opts: pulumi.ComponentResourceOptions = { parent: ctx.parent, dependsOn: ctx.dependsOn };
  let created: pulumi.Resource;
  if (deployment.via === "v4-chart") {
    created = new k8s.helm.v4.Chart(
      `${ctx.name}-controller`,
      {
        chart: deployment.source.chart,
        version,
        namespace: ctx.namespace,
        repositoryOpts: { repo: deployment.source.repository },
        values,
        skipCrds: deployment.skipCrds ?? false,
        // Without a load balancer to wait for, the chart's Service await would hang `pulumi up`.
        skipAwait: !ctx.awaitAddress,
      },
      opts,
    );
  } else {
    created = new k8s.helm.v3.Release(
      `${ctx.name}-controller`,
      {
        name: ctx.ingressClassName,
        chart: deployment.source.chart,
        version,
        namespace: ctx.namespace,
        createNamespace: false,
        repositoryOpts: { repo: deployment.source.repository },
        values,
        skipAwait: !ctx.awaitAddress,
      },
      opts,
    );
  }
  return {
    serviceName: deployment.serviceName,
    address: readServiceAddress(
      ctx.name,
      ctx.namespace,
      deployment.serviceName,
      ctx.service.type,
      ctx.parent,
      created,
    ),
  };
}

/** The chart's Service values in the common shape most charts use (`type`, `annotations`, LB IP and ranges). */
export function commonServiceValues(ctx: GatewayDeployContext): Record<string, unknown> {
  const service: Record<string, unknown> = { type: ctx.service.type, annotations: ctx.service.annotations };
  if (ctx.service.loadBalancerIP !== undefined) service.loadBalancerIP = ctx.service.loadBalancerIP;
  if (ctx.service.loadBalancerSourceRanges !== undefined) {
    service.loadBalancerSourceRanges = ctx.service.loadBalancerSourceRanges;
  }
  return service;
}

/** `{ replicaCount, resources }` for charts that take them under `controller`. */
export function workloadValues(
  ctx: GatewayDeployContext,
  replicasKey = "replicaCount",
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  if (ctx.replicas !== undefined) values[replicasKey] = ctx.replicas;
  if (ctx.resources !== undefined) values.resources = ctx.resources;
  return values;
}
