// The contract between IngressGateway/HostRoute and the per-controller modules in ./kinds: what a kind deploys for a
// gateway, and how it writes the typed HostRoute options in its own annotation dialect.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { PathType } from "../matcher";
import type { ArgProblem } from "./component-error";
import type { RouteOptions } from "./route-options";

/** The controllers an IngressGateway can deploy. A plain string at the API (multi-language components have no enums). */
export const CONTROLLER_KINDS = ["nginx", "ingress-nginx", "traefik", "haproxy", "builtin"] as const;
export type ControllerKind = (typeof CONTROLLER_KINDS)[number];

export function isControllerKind(value: unknown): value is ControllerKind {
  return typeof value === "string" && (CONTROLLER_KINDS as readonly string[]).includes(value);
}

/** Service settings of a gateway, resolved with defaults. */
export interface GatewayServiceSettings {
  type: "LoadBalancer" | "NodePort" | "ClusterIP";
  annotations: Record<string, string>;
  loadBalancerIP?: string;
  loadBalancerSourceRanges?: string[];
}

/** What a kind needs to deploy one gateway's controller. Every value is already validated. */
export interface GatewayDeployContext {
  /** The IngressGateway resource name, prefix of every child name. */
  readonly name: string;
  readonly parent: pulumi.Resource;
  readonly ingressClassName: string;
  readonly namespace: string;
  /** Children wait for these (the Namespace when the gateway creates it). */
  readonly dependsOn: pulumi.Resource[];
  readonly isDefaultClass: boolean;
  /** Whether `pulumi up` waits for the Service's load balancer address (false: skip Pulumi's await). */
  readonly awaitAddress: boolean;
  readonly replicas?: number;
  readonly service: GatewayServiceSettings;
  readonly resources?: k8s.types.input.core.v1.ResourceRequirements;
  readonly version?: string;
  readonly values?: Record<string, unknown>;
  readonly image?: string;
}

/** What a kind reports back once its controller is declared. */
export interface DeployedController {
  /** Name of the controller's Service in the gateway namespace. */
  readonly serviceName: string;
  /** The load balancer IP or hostname, once known (undefined for other Service types). */
  readonly address: pulumi.Output<string | undefined>;
}

/** A backend as HostRoute resolved it: names and ports may still be Outputs. */
export interface DialectBackend {
  readonly serviceName: pulumi.Input<string>;
  readonly port: pulumi.Input<number | string>;
  /** The Service resource, when the route was given one (not a `{ name, port }` reference). */
  readonly service?: k8s.core.v1.Service;
}

/** A path as the option check sees it, before any child exists. */
export interface DialectPathShape {
  readonly path: string;
  readonly pathType: PathType;
  /** Whether the backend is a `k8s.core.v1.Service` of this program (rather than `{ name, port }`). */
  readonly serviceIsResource: boolean;
}

export interface DialectPath {
  readonly path: string;
  readonly pathType: PathType;
  readonly backend: DialectBackend;
}

/** What a dialect sees of one HostRoute. */
export interface RouteDialectContext {
  readonly routeName: string;
  readonly ingressClassName: string;
  readonly namespace: pulumi.Input<string>;
  readonly options: RouteOptions;
  readonly paths: readonly DialectPath[];
  /** Whether the route has TLS (some controllers redirect by default then). */
  readonly hasTls: boolean;
  /** The HostRoute: parent of any extra resource a dialect creates (Traefik Middlewares). */
  readonly parent: pulumi.Resource;
  /** Extra resources wait for these (the gateway, whose chart installs the CRDs). */
  readonly dependsOn: pulumi.Resource[];
}

export interface DialectResult {
  readonly annotations: Record<string, pulumi.Input<string>>;
  /** Replaces the Ingress paths one for one (ingress-nginx writes rewrites as regex paths). */
  readonly paths?: readonly { path: string; pathType: PathType }[];
  /** Replaces the Ingress backends one for one (Traefik's companion Services). */
  readonly backends?: readonly DialectBackend[];
}

/** A controller's annotation dialect for the typed HostRoute options. */
export interface RouteDialect {
  readonly controller: ControllerKind;
  /** Options (and combinations) this controller cannot express: each problem names the controller. */
  findUnsupportedOptions(options: RouteOptions, paths: readonly DialectPathShape[]): ArgProblem[];
  /** Annotations for the Ingress; may create extra child resources of `ctx.parent`. */
  buildRoute(ctx: RouteDialectContext): DialectResult;
}
