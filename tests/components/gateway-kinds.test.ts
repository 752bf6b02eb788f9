// What IngressGateway declares for each controller kind (update mode): the chart and the values that make the
// controller own exactly its IngressClass and publish its address, or the builtin manifests.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, beforeEach, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { settle, valueOf } from "../helpers/outputs";
import { installMocks, Types, type MockState, type Values } from "../helpers/pulumi-mocks";

type Sdk = typeof import("../../sdk/index.js");
let sdk: Sdk;
let mocks: MockState;
let registry: typeof import("../../sdk/components/route-registry.js");

before(async () => {
  mocks = await installMocks({ preview: false });
  sdk = await import("../../sdk/index.js");
  registry = await import("../../sdk/components/route-registry.js");
});
beforeEach(async () => {
  await settle();
  registry.resetRouteRegistry();
  mocks.reset();
});

async function chartOf(type: string, name = "public-controller"): Promise<Values> {
  await settle();
  return mocks.one(type, name).inputs as Values;
}

describe("Helm kinds", () => {
  const cases = [
    {
      controller: "nginx",
      type: Types.chartV4,
      chart: "nginx-ingress",
      repo: "https://helm.nginx.com/stable",
      version: "2.7.2",
    },
    {
      controller: "ingress-nginx",
      type: Types.releaseV3,
      chart: "ingress-nginx",
      repo: "https://kubernetes.github.io/ingress-nginx",
      version: "4.15.1",
    },
    {
      controller: "traefik",
      type: Types.chartV4,
      chart: "traefik",
      repo: "https://traefik.github.io/charts",
      version: "41.3.0",
    },
    {
      controller: "haproxy",
      type: Types.releaseV3,
      chart: "kubernetes-ingress",
      repo: "https://haproxytech.github.io/helm-charts",
      version: "1.52.1",
    },
  ] as const;

  for (const c of cases) {
    test(`${c.controller} deploys chart ${c.chart} ${c.version} from ${c.repo} as ${c.type.split(":").pop()}`, async () => {
      new sdk.IngressGateway("public", { controller: c.controller });
      const inputs = await chartOf(c.type);
      assert.equal(inputs.chart, c.chart);
      assert.equal(inputs.version, c.version);
      assert.equal(inputs.repositoryOpts.repo, c.repo);
      assert.equal(inputs.namespace, "public");
      assert.equal(mocks.one(Types.namespace, "public").inputs.metadata.name, "public");
    });

    test(`${c.controller} takes an overridden chart version and merges user values over its own`, async () => {
      new sdk.IngressGateway("public", {
        controller: c.controller,
        version: "9.9.9",
        values: { extra: { answer: 42 } },
        createNamespace: false,
      });
      const inputs = await chartOf(c.type);
      assert.equal(inputs.version, "9.9.9");
      assert.equal(inputs.values.extra.answer, 42);
      assert.equal(inputs.values.fullnameOverride, "public");
      assert.equal(mocks.ofType(Types.namespace).length, 0);
    });
  }

  test("nginx owns only its IngressClass (nginx.org/ingress-controller) and reports Ingress status", async () => {
    const gw = new sdk.IngressGateway("edge", { controller: "nginx", default: true, replicas: 3 });
    const { values } = await chartOf(Types.chartV4, "edge-controller");
    assert.deepEqual(values.controller.ingressClass, {
      name: "edge",
      create: true,
      setAsDefaultIngress: true,
    });
    assert.equal(values.controller.reportIngressStatus.enable, true);
    assert.equal(values.controller.replicaCount, 3);
    assert.equal(values.controller.service.type, "LoadBalancer");
    assert.equal(await valueOf(gw.serviceName), "edge-controller");
    assert.equal(sdk.NGINX_CHART.chart, "nginx-ingress");
  });

  test("ingress-nginx gets a controller value of its own so two gateways never serve each other's class", async () => {
    new sdk.IngressGateway("legacy", { controller: "ingress-nginx" });
    const { values } = await chartOf(Types.releaseV3, "legacy-controller");
    assert.equal(values.controller.ingressClassResource.name, "legacy");
    assert.equal(values.controller.ingressClassResource.controllerValue, "k8s.io/ingress-nginx/legacy");
    assert.equal(values.controller.ingressClass, "legacy");
    assert.equal(values.controller.publishService.enabled, true);
    assert.equal(values.controller.watchIngressWithoutClass, false);
  });

  test("ingress-nginx warns at preview that it is retired and names the one-word migration", async () => {
    const warnings: string[] = [];
    const original = pulumi.log.warn;
    pulumi.log.warn = async (message: string) => {
      warnings.push(message);
    };
    try {
      new sdk.IngressGateway("legacy", { controller: "ingress-nginx" });
    } finally {
      pulumi.log.warn = original;
    }
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /retired in March 2026/);
    assert.match(warnings[0]!, /no further releases or security fixes/);
    assert.match(warnings[0]!, /controller: "nginx"/);
  });

  test("traefik restricts its Ingress provider to the gateway's class and publishes its Service address", async () => {
    new sdk.IngressGateway("public", {
      controller: "traefik",
      service: {
        type: "LoadBalancer",
        loadBalancerIP: "203.0.113.7",
        loadBalancerSourceRanges: ["10.0.0.0/8"],
      },
    });
    const inputs = await chartOf(Types.chartV4);
    const { values } = inputs;
    assert.deepEqual(values.ingressClass, { enabled: true, isDefaultClass: false, name: "public" });
    assert.equal(values.providers.kubernetesIngress.ingressClass, "public");
    assert.equal(values.providers.kubernetesIngress.publishedService.enabled, true);
    assert.equal(values.providers.kubernetesCRD.enabled, true);
    assert.equal(values.service.spec.loadBalancerIP, "203.0.113.7");
    assert.deepEqual(values.service.loadBalancerSourceRanges, ["10.0.0.0/8"]);
    assert.equal(inputs.skipCrds, false);
  });

  test("haproxy sets the Service type itself (the chart's default is NodePort) and publishes its address", async () => {
    new sdk.IngressGateway("public", { controller: "haproxy" });
    const { values } = await chartOf(Types.releaseV3);
    assert.equal(values.controller.service.type, "LoadBalancer");
    assert.equal(values.controller.ingressClass, "public");
    assert.equal(values.controller.ingressClassResource.name, "public");
    assert.equal(values.controller.publishService.enabled, true);
  });

  test("a NodePort gateway skips Pulumi's await, since no load balancer address will come", async () => {
    new sdk.IngressGateway("public", { controller: "traefik", service: { type: "NodePort" } });
    const inputs = await chartOf(Types.chartV4);
    assert.equal(inputs.skipAwait, true);
  });

  test("the gateway reads its address from the controller's Service after an update", async () => {
    const gw = new sdk.IngressGateway("public", { controller: "traefik" });
    assert.equal(await valueOf(gw.address), "203.0.113.10");
    assert.equal(await valueOf(gw.controller), "traefik");
    assert.equal(await valueOf(gw.ingressClassName), "public");
    assert.equal(await valueOf(gw.namespace), "public");
  });
});

describe("builtin kind", () => {
  async function deployment(): Promise<Values> {
    await settle();
    return mocks.one(Types.deployment, "internal-controller").inputs as Values;
  }

  test("creates ServiceAccount, ClusterRole, ClusterRoleBinding, Deployment, Service, IngressClass and PDB", async () => {
    new sdk.IngressGateway("internal", { controller: "builtin" });
    await settle();
    for (const type of [
      Types.serviceAccount,
      Types.clusterRole,
      Types.clusterRoleBinding,
      Types.deployment,
      Types.service,
      Types.pdb,
    ]) {
      assert.equal(mocks.ofType(type).length, 1, type);
    }
    assert.equal(
      mocks.one(Types.ingressClass, "internal-class").inputs.spec.controller,
      "ingress-kit.dev/controller",
    );
    assert.equal(mocks.ofType(Types.chartV4).length + mocks.ofType(Types.releaseV3).length, 0);
  });

  test("the ClusterRole grants read on routing inputs, update on ingresses/status and Events, nothing more", async () => {
    new sdk.IngressGateway("internal", { controller: "builtin" });
    await settle();
    const rules = mocks.one(Types.clusterRole, "internal-controller").inputs.rules as Values[];
    const grants = rules.flatMap((r) =>
      (r.resources as string[]).flatMap((res) =>
        (r.verbs as string[]).map((v) => `${r.apiGroups[0] || "core"}/${res}:${v}`),
      ),
    );
    assert.deepEqual(grants.sort(), [
      "core/events:create",
      "core/events:patch",
      "core/secrets:get",
      "core/secrets:list",
      "core/secrets:watch",
      "core/services:get",
      "core/services:list",
      "core/services:watch",
      "discovery.k8s.io/endpointslices:get",
      "discovery.k8s.io/endpointslices:list",
      "discovery.k8s.io/endpointslices:watch",
      "networking.k8s.io/ingressclasses:get",
      "networking.k8s.io/ingressclasses:list",
      "networking.k8s.io/ingressclasses:watch",
      "networking.k8s.io/ingresses/status:patch",
      "networking.k8s.io/ingresses/status:update",
      "networking.k8s.io/ingresses:get",
      "networking.k8s.io/ingresses:list",
      "networking.k8s.io/ingresses:watch",
    ]);
    const binding = mocks.one(Types.clusterRoleBinding, "internal-controller").inputs;
    assert.equal(binding.roleRef.name, "ingress-kit-internal");
    assert.deepEqual(binding.subjects, [
      { kind: "ServiceAccount", name: "internal-controller", namespace: "internal" },
    ]);
  });

  test("the Deployment runs non-root on a read-only root filesystem with all capabilities dropped", async () => {
    new sdk.IngressGateway("internal", { controller: "builtin" });
    const spec = (await deployment()).spec.template.spec;
    const container = spec.containers[0];
    assert.equal(spec.securityContext.runAsNonRoot, true);
    assert.ok(spec.securityContext.runAsUser > 0);
    assert.equal(spec.securityContext.seccompProfile.type, "RuntimeDefault");
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
    assert.ok(container.resources.requests.cpu && container.resources.requests.memory);
  });

  test("the controller serves exactly its class on 8080/8443, publishes its Service's address, and is probed on 10254", async () => {
    new sdk.IngressGateway("internal", { controller: "builtin" });
    const spec = (await deployment()).spec.template.spec;
    const container = spec.containers[0];
    // The image's own entrypoint and node flags: the same command as the Dockerfile's ENTRYPOINT.
    assert.deepEqual(container.command, ["node", "--max-semi-space-size=4", "bin/ingress-kit.js"]);
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(
      readFileSync(join(__dirname, "../../Dockerfile"), "utf8"),
    );
    assert.ok(entrypoint, "the Dockerfile has an exec-form ENTRYPOINT");
    assert.deepEqual(JSON.parse(entrypoint[1]!), [...container.command, "controller"]);
    assert.deepEqual(container.args, [
      "controller",
      "--ingress-class",
      "internal",
      "--http-port",
      "8080",
      "--https-port",
      "8443",
      "--health-port",
      "10254",
      "--publish-service",
      "internal/internal-controller",
    ]);
    const health = container.ports.find((p: Values) => p.name === "health");
    assert.equal(health.containerPort, 10254);
    assert.deepEqual(container.livenessProbe.httpGet, { path: "/healthz", port: "health" });
    assert.deepEqual(container.readinessProbe.httpGet, { path: "/readyz", port: "health" });
  });

  test("replicas spread across nodes and the PDB keeps all but one available", async () => {
    new sdk.IngressGateway("internal", { controller: "builtin" });
    const dep = await deployment();
    const spec = dep.spec.template.spec;
    assert.equal(dep.spec.replicas, 2);
    assert.ok(spec.topologySpreadConstraints.some((t: Values) => t.topologyKey === "kubernetes.io/hostname"));
    assert.ok(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.length > 0);
    assert.equal(mocks.one(Types.pdb, "internal-controller").inputs.spec.maxUnavailable, 1);
  });

  test("the image defaults to ghcr.io/ingress-kit/controller tagged with the package version", async () => {
    const version = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;
    assert.equal(sdk.DEFAULT_BUILTIN_IMAGE, `ghcr.io/ingress-kit/controller:${version}`);
    new sdk.IngressGateway("internal", { controller: "builtin" });
    assert.equal((await deployment()).spec.template.spec.containers[0].image, sdk.DEFAULT_BUILTIN_IMAGE);
  });

  test("an image override replaces the default", async () => {
    new sdk.IngressGateway("internal", { controller: "builtin", image: "registry.local/ik:dev" });
    assert.equal((await deployment()).spec.template.spec.containers[0].image, "registry.local/ik:dev");
  });

  test("the Service maps 80 to 8080 and 443 to 8443, and its address becomes the gateway's", async () => {
    const gw = new sdk.IngressGateway("internal", { controller: "builtin", default: true });
    await settle();
    const service = mocks.one(Types.service, "internal-controller").inputs as Values;
    assert.deepEqual(
      service.spec.ports.map((p: Values) => [p.port, p.targetPort]),
      [
        [80, "http"],
        [443, "https"],
      ],
    );
    const ports = (await deployment()).spec.template.spec.containers[0].ports as Values[];
    assert.equal(ports.find((p) => p.name === "http")!.containerPort, 8080);
    assert.equal(ports.find((p) => p.name === "https")!.containerPort, 8443);
    assert.equal(await valueOf(gw.address), "203.0.113.10");
    assert.equal(await valueOf(gw.serviceName), "internal-controller");
    const cls = mocks.one(Types.ingressClass, "internal-class").inputs as Values;
    assert.equal(cls.metadata.annotations["ingressclass.kubernetes.io/is-default-class"], "true");
  });

  test("a ClusterIP builtin gateway skips Pulumi's Service await and publishes no address", async () => {
    new sdk.IngressGateway("internal", { controller: "builtin", service: { type: "ClusterIP" } });
    await settle();
    const service = mocks.one(Types.service, "internal-controller").inputs as Values;
    assert.equal(service.metadata.annotations["pulumi.com/skipAwait"], "true");
    const args = (await deployment()).spec.template.spec.containers[0].args as string[];
    assert.equal(args.includes("--publish-service"), false);
  });

  test("chart-only arguments are refused for builtin, naming the argument", () => {
    assert.throws(
      () => new sdk.IngressGateway("internal", { controller: "builtin", values: { a: 1 }, version: "1.0.0" }),
      (e: Error & { codes?: string[] }) =>
        /values are for Helm charts/.test(e.message) && /version is for Helm charts/.test(e.message),
    );
  });
});
