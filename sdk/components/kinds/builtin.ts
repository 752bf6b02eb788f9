// controller: "builtin" — the bundled Ingress Kit controller (sdk/controller), deployed from generated manifests:
// ServiceAccount, least-privilege ClusterRole/Binding, Deployment, Service, IngressClass and PodDisruptionBudget,
// each a first-class Pulumi resource (no chart), so every field is typed and visible in preview and to policies.
//
// Annotation dialect: `ingress-kit.dev/*`, shared with the controller through sdk/builtin-dialect.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  BUILTIN_BACKEND_PROTOCOLS,
  BUILTIN_CONTROLLER_NAME,
  BuiltinAnnotations,
} from "../../builtin-dialect";
import { CONTROLLER_NODE_FLAGS } from "../../controller-node-flags";
import type { ArgProblem } from "../component-error";
import type {
  DeployedController,
  GatewayDeployContext,
  RouteDialect,
  RouteDialectContext,
} from "../controller-kind";
import { formatSeconds } from "../route-options";
import { addressOf } from "../service-address";
import { SKIP_AWAIT } from "../skip-await";
import { unsupportedOption } from "./unsupported";

function packageVersion(): string {
  try {
    // sdk/components/kinds (source) and dist/components/kinds (build) are both three levels below the package root.
    const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** The controller image's repository. */
export const BUILTIN_IMAGE_REPOSITORY = "ghcr.io/ingress-kit/controller";
/** The default image: the repository tagged with this package's version, so SDK and controller ship together. */
export const DEFAULT_BUILTIN_IMAGE = `${BUILTIN_IMAGE_REPOSITORY}:${packageVersion()}`;

/** The container command: the package's CLI in the image's working directory (/app), with the image's node flags. */
export const BUILTIN_COMMAND = ["node", ...CONTROLLER_NODE_FLAGS, "bin/ingress-kit.js"];

/** Ports of the controller container (`--http-port`, `--https-port`, `--health-port`). */
export const BUILTIN_PORTS = { http: 8080, https: 8443, health: 10254 } as const;
/** The non-root user the controller runs as (distroless "nonroot"). */
export const BUILTIN_RUN_AS_USER = 65532;

/**
 * The container args: serve exactly this IngressClass on the fixed ports and, with `publishService`
 * ("namespace/name" of the gateway's LoadBalancer Service), write that Service's address into Ingress status.
 */
export function buildBuiltinArgs(ingressClassName: string, publishService?: string): string[] {
  return [
    "controller",
    "--ingress-class",
    ingressClassName,
    "--http-port",
    String(BUILTIN_PORTS.http),
    "--https-port",
    String(BUILTIN_PORTS.https),
    "--health-port",
    String(BUILTIN_PORTS.health),
    ...(publishService !== undefined ? ["--publish-service", publishService] : []),
  ];
}

/** What the controller may do, and nothing more: read routing inputs, write Ingress status, report Events. */
export function buildBuiltinRbacRules(): k8s.types.input.rbac.v1.PolicyRule[] {
  const read = ["get", "list", "watch"];
  return [
    { apiGroups: [""], resources: ["services", "secrets"], verbs: read },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: read },
    { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "ingressclasses"], verbs: read },
    // The controller writes status with a PATCH (patchNamespacedIngressStatus); update covers a PUT.
    { apiGroups: ["networking.k8s.io"], resources: ["ingresses/status"], verbs: ["update", "patch"] },
    // Warning Events for Ingresses the controller cannot serve (sdk/controller/sources/kube-source.ts).
    { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
  ];
}

export function builtinLabels(ingressClassName: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "ingress-kit-controller",
    "app.kubernetes.io/instance": ingressClassName,
    "app.kubernetes.io/component": "controller",
  };
}

/** Name of the controller's objects (ServiceAccount, Deployment, Service, PDB) in the gateway namespace. */
export function builtinObjectName(ingressClassName: string): string {
  return `${ingressClassName}-controller`;
}

/** "namespace/name" of the Service whose address the controller publishes: only a LoadBalancer gets one. */
function publishedService(ctx: GatewayDeployContext): string | undefined {
  return ctx.service.type === "LoadBalancer"
    ? `${ctx.namespace}/${builtinObjectName(ctx.ingressClassName)}`
    : undefined;
}

/** The Deployment's pod template spec: hardened, probed, spread across nodes. */
export function buildBuiltinPodSpec(
  ctx: GatewayDeployContext,
  serviceAccountName: pulumi.Input<string>,
): k8s.types.input.core.v1.PodSpec {
  const labels = builtinLabels(ctx.ingressClassName);
  const probe = (path: string): k8s.types.input.core.v1.Probe => ({
    httpGet: { path, port: "health" },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  return {
    serviceAccountName,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: BUILTIN_RUN_AS_USER,
      runAsGroup: BUILTIN_RUN_AS_USER,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containers: [
      {
        name: "controller",
        image: ctx.image ?? DEFAULT_BUILTIN_IMAGE,
        // Set explicitly so the args below are the whole CLI, whatever the image's ENTRYPOINT already includes.
        command: BUILTIN_COMMAND,
        args: buildBuiltinArgs(ctx.ingressClassName, publishedService(ctx)),
        env: [{ name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } }],
        ports: [
          { name: "http", containerPort: BUILTIN_PORTS.http, protocol: "TCP" },
          { name: "https", containerPort: BUILTIN_PORTS.https, protocol: "TCP" },
          { name: "health", containerPort: BUILTIN_PORTS.health, protocol: "TCP" },
        ],
        livenessProbe: { ...probe("/healthz"), initialDelaySeconds: 5 },
        readinessProbe: probe("/readyz"),
        resources: ctx.resources ?? {
          requests: { cpu: "100m", memory: "128Mi" },
          limits: { memory: "256Mi" },
        },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
      },
    ],
    volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: labels },
      },
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: labels },
      },
    ],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: "kubernetes.io/hostname",
              labelSelector: { matchLabels: labels },
            },
          },
        ],
      },
    },
  };
}

/** Declares the bundled controller's objects as children of the gateway. */
export function deployBuiltin(ctx: GatewayDeployContext): DeployedController {
  const cls = ctx.ingressClassName;
  const labels = builtinLabels(cls);
  const opts: pulumi.CustomResourceOptions = { parent: ctx.parent, dependsOn: ctx.dependsOn };
  const meta = (name: string) => ({ name, namespace: ctx.namespace, labels });
  const controllerName = builtinObjectName(cls);

  const serviceAccount = new k8s.core.v1.ServiceAccount(
    `${ctx.name}-controller`,
    { metadata: meta(controllerName) },
    opts,
  );
  const clusterRole = new k8s.rbac.v1.ClusterRole(
    `${ctx.name}-controller`,
    { metadata: { name: `ingress-kit-${cls}`, labels }, rules: buildBuiltinRbacRules() },
    opts,
  );
  new k8s.rbac.v1.ClusterRoleBinding(
    `${ctx.name}-controller`,
    {
      metadata: { name: `ingress-kit-${cls}`, labels },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: clusterRole.metadata.name,
      },
      subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: ctx.namespace }],
    },
    opts,
  );
  const replicas = ctx.replicas ?? 2;
  new k8s.apps.v1.Deployment(
    `${ctx.name}-controller`,
    {
      metadata: meta(controllerName),
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: buildBuiltinPodSpec(ctx, serviceAccount.metadata.name) },
      },
    },
    opts,
  );
  const service = new k8s.core.v1.Service(
    `${ctx.name}-controller`,
    {
      metadata: {
        ...meta(controllerName),
        // Without a load balancer to wait for (awaitAddress: false), Pulumi's Service await must not hang `pulumi up`.
        annotations: ctx.awaitAddress
          ? ctx.service.annotations
          : { ...ctx.service.annotations, [SKIP_AWAIT]: "true" },
      },
      spec: {
        type: ctx.service.type,
        selector: labels,
        ports: [
          { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
          { name: "https", port: 443, targetPort: "https", protocol: "TCP" },
        ],
        ...(ctx.service.loadBalancerIP !== undefined ? { loadBalancerIP: ctx.service.loadBalancerIP } : {}),
        ...(ctx.service.loadBalancerSourceRanges !== undefined
          ? { loadBalancerSourceRanges: ctx.service.loadBalancerSourceRanges }
          : {}),
      },
    },
    opts,
  );
  new k8s.networking.v1.IngressClass(
    `${ctx.name}-class`,
    {
      metadata: {
        name: cls,
        labels,
        annotations: ctx.isDefaultClass ? { "ingressclass.kubernetes.io/is-default-class": "true" } : {},
      },
      spec: { controller: BUILTIN_CONTROLLER_NAME },
    },
    opts,
  );
  new k8s.policy.v1.PodDisruptionBudget(
    `${ctx.name}-controller`,
    { metadata: meta(controllerName), spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
    opts,
  );
  return { serviceName: controllerName, address: service.status.apply((status) => addressOf(status)) };
}

const BUILTIN_PROTOCOLS: readonly string[] = BUILTIN_BACKEND_PROTOCOLS;

export const builtinDialect: RouteDialect = {
  controller: "builtin",
  findUnsupportedOptions(options): ArgProblem[] {
    if (options.backendProtocol !== undefined && !BUILTIN_PROTOCOLS.includes(options.backendProtocol)) {
      return [
        unsupportedOption(
          "builtin",
          "backendProtocol",
          `the bundled controller speaks ${BUILTIN_BACKEND_PROTOCOLS.join(" and ")} to backends, not ${options.backendProtocol}`,
          'Use controller "nginx", "ingress-nginx", "haproxy" (h2) for gRPC backends, or backendProtocol "HTTP"/"HTTPS".',
        ),
      ];
    }
    return [];
  },
  buildRoute(ctx: RouteDialectContext) {
    const { options } = ctx;
    const annotations: Record<string, pulumi.Input<string>> = {};
    if (options.sslRedirect !== undefined) {
      annotations[BuiltinAnnotations.sslRedirect] = String(options.sslRedirect);
    }
    if (options.rewriteTarget !== undefined) {
      annotations[BuiltinAnnotations.rewriteTarget] = options.rewriteTarget;
    }
    if (options.backendProtocol !== undefined) {
      annotations[BuiltinAnnotations.backendProtocol] = options.backendProtocol;
    }
    const t = options.timeouts;
    if (t?.connect !== undefined) annotations[BuiltinAnnotations.connectTimeout] = formatSeconds(t.connect);
    if (t?.read !== undefined) annotations[BuiltinAnnotations.readTimeout] = formatSeconds(t.read);
    if (t?.send !== undefined) annotations[BuiltinAnnotations.sendTimeout] = formatSeconds(t.send);
    if (options.maxBodySize !== undefined) annotations[BuiltinAnnotations.maxBodySize] = options.maxBodySize;
    if (options.sessionAffinity === "cookie") {
      annotations[BuiltinAnnotations.affinity] = "cookie";
      if (options.sessionCookieName !== undefined) {
        annotations[BuiltinAnnotations.affinityCookieName] = options.sessionCookieName;
      }
    }
    return { annotations };
  },
};
