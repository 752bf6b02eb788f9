// IngressGateway: one ingress controller and the IngressClass it owns, deployed from the controller's official chart
// (or, for "builtin", generated manifests). HostRoutes attach to it by object or by IngressClass name.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ComponentCodes, throwProblems, type ArgProblem } from "./component-error";
import {
  CONTROLLER_KINDS,
  isControllerKind,
  type ControllerKind,
  type DeployedController,
  type GatewayDeployContext,
  type GatewayServiceSettings,
} from "./controller-kind";
import { deployBuiltin } from "./kinds/builtin";
import { deployHaproxy } from "./kinds/haproxy";
import { deployIngressNginx } from "./kinds/ingress-nginx";
import { deployNginx } from "./kinds/nginx";
import { deployTraefik } from "./kinds/traefik";
import { findGateway, registerGateway } from "./route-registry";
import { createGatewayCa, type GatewayCa } from "./tls";

/** The gateway's Service. @see https://kubernetes.io/docs/concepts/services-networking/service/ */
export interface IngressGatewayServiceArgs {
  /** `"LoadBalancer"` (default), `"NodePort"` or `"ClusterIP"`. */
  type?: string;
  /** Annotations of the Service, e.g. for a cloud load balancer. Default none. */
  annotations?: Record<string, string>;
  /** A fixed load balancer IP, where the cloud supports it. */
  loadBalancerIP?: string;
  /** CIDRs allowed to reach the load balancer. Default: everyone. */
  loadBalancerSourceRanges?: string[];
}

export interface IngressGatewayArgs {
  /**
   * Which controller to deploy: `"nginx"` (F5 NGINX Ingress Controller), `"ingress-nginx"` (the community controller,
   * retired in March 2026: for existing clusters only), `"traefik"`, `"haproxy"` (HAProxy Technologies) or
   * `"builtin"` (the Ingress Kit controller). A plain string, checked when the program runs.
   */
  controller: string;
  /**
   * Name of the IngressClass this gateway owns; HostRoutes may name the gateway by it. Must be unique among the
   * program's gateways. Default: the resource name, lowercased with other characters turned into "-".
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class
   */
  ingressClassName?: string;
  /** Namespace of the controller. Default: the IngressClass name. */
  namespace?: string;
  /** Create the namespace (default true); false when it already exists. */
  createNamespace?: boolean;
  /**
   * Mark the IngressClass as the cluster default, so Ingresses without a class use this gateway. Default false.
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class
   */
  default?: boolean;
  /** Controller replicas. Default: the chart's default; 2 for "builtin". */
  replicas?: number;
  /** The controller's Service. */
  service?: IngressGatewayServiceArgs;
  /**
   * Whether `pulumi up` waits for the Service's load balancer address (and routes for their Ingress address).
   * Default true for LoadBalancer Services; set false on clusters without a load balancer (kind, bare metal).
   */
  awaitAddress?: boolean;
  /** Controller container resources. Default: the chart's; for "builtin" 100m CPU and 128Mi requested, 256Mi limit. */
  resources?: k8s.types.input.core.v1.ResourceRequirements;
  /** Chart version (Helm kinds). Default: the pinned version of each kind module. */
  version?: string;
  /** Chart values merged over the ones the gateway sets (Helm kinds). */
  values?: Record<string, unknown>;
  /** Controller image (builtin only). Default `ghcr.io/ingress-kit/controller:<package version>`. */
  image?: string;
  /** Install the chart's CRDs (traefik only; default true). Set false for a second Traefik gateway in one cluster. */
  installCrds?: boolean;
  /**
   * Create a self-signed CA for this gateway: every HostRoute on it with `tls: { selfSigned: true }` gets a
   * certificate signed by it, so clients trust one CA (output `caCertificatePem`) instead of each route. Default false.
   */
  selfSignedCa?: boolean;
}

/** Arguments validated and with defaults applied. */
export interface ResolvedGatewayArgs {
  readonly controller: ControllerKind;
  readonly ingressClassName: string;
  readonly namespace: string;
  readonly createNamespace: boolean;
  readonly isDefaultClass: boolean;
  readonly service: GatewayServiceSettings;
  readonly awaitAddress: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SERVICE_TYPES = ["LoadBalancer", "NodePort", "ClusterIP"] as const;
const CIDR = /^[0-9a-fA-F:.]+\/\d{1,3}$/;
const HELM_KINDS: readonly ControllerKind[] = ["nginx", "ingress-nginx", "traefik", "haproxy"];

/** The IngressClass name derived from a resource name: lowercased, other characters turned into "-". */
export function deriveIngressClassName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}

/** Validates every gateway argument; returns the problems and, when there are none, the resolved arguments. */
export function validateGatewayArgs(
  name: string,
  args: IngressGatewayArgs,
): { problems: ArgProblem[]; resolved?: ResolvedGatewayArgs } {
  const problems: ArgProblem[] = [];
  const bad = (field: string, message: string, code: string = ComponentCodes.INVALID_ARGUMENT): void => {
    problems.push({ code, field, message });
  };
  const controller = (args as { controller?: unknown } | undefined)?.controller;
  if (!isControllerKind(controller)) {
    bad(
      "controller",
      `controller ${JSON.stringify(controller)} is not a controller Ingress Kit deploys. Use one of ` +
        `${CONTROLLER_KINDS.map((k) => `"${k}"`).join(", ")}.`,
      ComponentCodes.UNKNOWN_CONTROLLER,
    );
  }
  const ingressClassName = args.ingressClassName ?? deriveIngressClassName(name);
  if (
    typeof ingressClassName !== "string" ||
    !DNS_LABEL.test(ingressClassName) ||
    ingressClassName.length > 40
  ) {
    bad(
      "ingressClassName",
      `ingressClassName ${JSON.stringify(ingressClassName)}${args.ingressClassName === undefined ? ` (derived from the name "${name}")` : ""} ` +
        `is not a valid class name. Use at most 40 lowercase letters, digits and "-", starting and ending with a ` +
        `letter or digit.`,
    );
  } else {
    const taken = findGateway(ingressClassName);
    if (taken) {
      bad(
        "ingressClassName",
        `IngressClass "${ingressClassName}" is already owned by IngressGateway "${taken.gatewayName}". Give this ` +
          `gateway another ingressClassName.`,
        ComponentCodes.DUPLICATE_INGRESS_CLASS,
      );
    }
  }
  const namespace = args.namespace ?? ingressClassName;
  if (typeof namespace !== "string" || !DNS_LABEL.test(namespace) || namespace.length > 63) {
    bad(
      "namespace",
      `namespace ${JSON.stringify(namespace)} is not a valid namespace name. Use at most 63 lowercase letters, ` +
        `digits and "-".`,
    );
  }
  if (
    args.replicas !== undefined &&
    (!Number.isInteger(args.replicas) || args.replicas < 1 || args.replicas > 100)
  ) {
    bad(
      "replicas",
      `replicas ${JSON.stringify(args.replicas)} is not a whole number from 1 to 100. Use e.g. 2.`,
    );
  }
  const type = args.service?.type ?? "LoadBalancer";
  if (!(SERVICE_TYPES as readonly string[]).includes(type)) {
    bad(
      "service.type",
      `service.type ${JSON.stringify(type)} is not a Service type a gateway can use. Use "LoadBalancer", ` +
        `"NodePort" or "ClusterIP".`,
    );
  }
  for (const range of args.service?.loadBalancerSourceRanges ?? []) {
    if (typeof range !== "string" || !CIDR.test(range)) {
      bad(
        "service.loadBalancerSourceRanges",
        `service.loadBalancerSourceRanges entry ${JSON.stringify(range)} is not a CIDR. Use e.g. "203.0.113.0/24".`,
      );
    }
  }
  for (const [key, value] of Object.entries(args.service?.annotations ?? {})) {
    if (typeof value !== "string") {
      bad(
        "service.annotations",
        `service.annotations["${key}"] is not a string. Quote the value, e.g. "true".`,
      );
    }
  }
  if (args.version !== undefined && (typeof args.version !== "string" || args.version.trim() === "")) {
    bad(
      "version",
      `version ${JSON.stringify(args.version)} is not a chart version. Use e.g. "1.2.3", or omit it.`,
    );
  }
  if (isControllerKind(controller)) {
    const isHelm = HELM_KINDS.includes(controller);
    if (!isHelm && args.version !== undefined) {
      bad("version", `version is for Helm charts; controller "builtin" has none. Set image instead.`);
    }
    if (!isHelm && args.values !== undefined) {
      bad("values", `values are for Helm charts; controller "builtin" has none. Remove values.`);
    }
    if (controller !== "builtin" && args.image !== undefined) {
      bad(
        "image",
        `image is for controller "builtin"; "${controller}" takes its image from the chart. Use values.`,
      );
    }
    if (controller !== "traefik" && args.installCrds !== undefined) {
      bad("installCrds", `installCrds is for controller "traefik" only. Remove it.`);
    }
  }
  if (
    args.image !== undefined &&
    (typeof args.image !== "string" || args.image.trim() === "" || /\s/.test(args.image))
  ) {
    bad(
      "image",
      `image ${JSON.stringify(args.image)} is not an image reference. Use e.g. "ghcr.io/org/controller:1.0".`,
    );
  }
  if (problems.length > 0) return { problems };
  const service: GatewayServiceSettings = {
    type: type as GatewayServiceSettings["type"],
    annotations: { ...(args.service?.annotations ?? {}) },
    ...(args.service?.loadBalancerIP !== undefined ? { loadBalancerIP: args.service.loadBalancerIP } : {}),
    ...(args.service?.loadBalancerSourceRanges !== undefined
      ? { loadBalancerSourceRanges: [...args.service.loadBalancerSourceRanges] }
      : {}),
  };
  return {
    problems,
    resolved: {
      controller: controller as ControllerKind,
      ingressClassName,
      namespace,
      createNamespace: args.createNamespace ?? true,
      isDefaultClass: args.default ?? false,
      service,
      awaitAddress: args.awaitAddress ?? type === "LoadBalancer",
    },
  };
}

/** Declares the controller of one kind; returns its Service name and address. */
export function createController(
  kind: ControllerKind,
  ctx: GatewayDeployContext,
  args: IngressGatewayArgs,
): DeployedController {
  switch (kind) {
    case "nginx":
      return deployNginx(ctx);
    case "ingress-nginx":
      return deployIngressNginx(ctx);
    case "traefik":
      return deployTraefik(ctx, args.installCrds ?? true);
    case "haproxy":
      return deployHaproxy(ctx);
    case "builtin":
      return deployBuiltin(ctx);
  }
}

/**
 * An ingress controller and the IngressClass it owns. HostRoutes attach to it (`gateway: gw` or
 * `gateway: "<ingressClassName>"`), and their paths are checked against each other at preview.
 */
export class IngressGateway extends pulumi.ComponentResource {
  /** The IngressClass this gateway's controller owns. */
  public readonly ingressClassName: pulumi.Output<string>;
  /** The controller's namespace. */
  public readonly namespace: pulumi.Output<string>;
  /** The controller's Service in `namespace`. */
  public readonly serviceName: pulumi.Output<string>;
  /** The load balancer IP or hostname once known (unknown during preview); undefined for NodePort/ClusterIP Services. */
  public readonly address: pulumi.Output<string | undefined>;
  /** The controller kind, e.g. `"traefik"`. */
  public readonly controller: pulumi.Output<string>;
  /** The gateway CA certificate (PEM) with `selfSignedCa: true`, for clients to trust; else undefined. */
  public readonly caCertificatePem: pulumi.Output<string | undefined>;

  constructor(name: string, args: IngressGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ingress-kit:index:IngressGateway", name, {}, opts);
    const { problems, resolved } = validateGatewayArgs(name, args ?? ({} as IngressGatewayArgs));
    throwProblems(`IngressGateway "${name}"`, problems, this);
    const r = resolved!;

    const dependsOn: pulumi.Resource[] = [];
    if (r.createNamespace) {
      dependsOn.push(new k8s.core.v1.Namespace(name, { metadata: { name: r.namespace } }, { parent: this }));
    }
    const ca: GatewayCa | undefined = args.selfSignedCa
      ? createGatewayCa(name, this, r.ingressClassName)
      : undefined;
    const ctx: GatewayDeployContext = {
      name,
      parent: this,
      ingressClassName: r.ingressClassName,
      namespace: r.namespace,
      dependsOn,
      isDefaultClass: r.isDefaultClass,
      awaitAddress: r.awaitAddress,
      service: r.service,
      ...(args.replicas !== undefined ? { replicas: args.replicas } : {}),
      ...(args.resources !== undefined ? { resources: args.resources } : {}),
      ...(args.version !== undefined ? { version: args.version } : {}),
      ...(args.values !== undefined ? { values: args.values } : {}),
      ...(args.image !== undefined ? { image: args.image } : {}),
    };
    const deployed = createController(r.controller, ctx, args);
    registerGateway(this, {
      gatewayName: name,
      ingressClassName: r.ingressClassName,
      controller: r.controller,
      // Every kind is told to publish its LoadBalancer Service's address into Ingress status (the charts through
      // their values, builtin through --publish-service); other Service types never get one.
      publishesAddress: r.awaitAddress && r.service.type === "LoadBalancer",
      ...(ca ? { ca } : {}),
    });

    this.ingressClassName = pulumi.output(r.ingressClassName);
    this.namespace = pulumi.output(r.namespace);
    this.serviceName = pulumi.output(deployed.serviceName);
    this.address = deployed.address;
    this.controller = pulumi.output(r.controller);
    this.caCertificatePem = ca ? ca.certPem : pulumi.output(undefined);
    this.registerOutputs({
      ingressClassName: this.ingressClassName,
      namespace: this.namespace,
      serviceName: this.serviceName,
      address: this.address,
      controller: this.controller,
      caCertificatePem: this.caCertificatePem,
    });
  }
}
