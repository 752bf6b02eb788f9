// Backends given as k8s.core.v1.Service resources: the port is taken from the Service, by name or number,
// and checked once the Service's ports are known.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { before, beforeEach, test } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { errorOf, settle, valueOf } from "../helpers/outputs";
import { installMocks, Types, type MockState, type Values } from "../helpers/pulumi-mocks";

type Sdk = typeof import("../../sdk/index.js");
let sdk: Sdk;
let mocks: MockState;
let registry: typeof import("../../sdk/components/route-registry.js");
let routeBackends: typeof import("../../sdk/components/route-backends.js");

before(async () => {
  mocks = await installMocks({ preview: true });
  sdk = await import("../../sdk/index.js");
  registry = await import("../../sdk/components/route-registry.js");
  routeBackends = await import("../../sdk/components/route-backends.js");
});
beforeEach(async () => {
  await settle();
  registry.resetRouteRegistry();
  mocks.reset();
});

const PORTS = [
  { name: "http", port: 80 },
  { name: "metrics", port: 9090 },
];

test("a Service with no port of the requested name fails, listing the ports it has", () => {
  const error = errorOf(() =>
    routeBackends.resolveServicePort("web", "paths[0].service", "web", PORTS, "grpc"),
  );
  assert.equal(error.code, "ERR_UNKNOWN_SERVICE_PORT");
  assert.match(
    error.message,
    /^HostRoute "web": paths\[0\]\.service: Service "web" has no port named "grpc"/,
  );
  assert.ok(error.message.includes('"http" (80), "metrics" (9090)'), error.message);
});

test("a Service with no port of the requested number fails", () => {
  const error = errorOf(() =>
    routeBackends.resolveServicePort("web", "paths[0].service", "web", PORTS, 8080),
  );
  assert.equal(error.code, "ERR_UNKNOWN_SERVICE_PORT");
  assert.match(error.message, /has no port 8080/);
});

test("a Service with several ports needs the port named", () => {
  const error = errorOf(() =>
    routeBackends.resolveServicePort("web", "paths[0].service", "web", PORTS, undefined),
  );
  assert.match(error.message, /has 2 ports .* Set paths\[0\]\.port/);
});

test("a Service's only port is used when none is named, and named ports stay names", () => {
  assert.deepEqual(routeBackends.resolveServicePort("r", "f", "s", [{ port: 8080 }], undefined), {
    number: 8080,
  });
  assert.deepEqual(routeBackends.resolveServicePort("r", "f", "s", PORTS, "metrics"), { name: "metrics" });
  assert.deepEqual(routeBackends.resolveServicePort("r", "f", "s", PORTS, 80), { number: 80 });
});

test("a route to a Service resource takes its name and the named port once known", async () => {
  const gw = new sdk.IngressGateway("public", { controller: "builtin" });
  const svc = new k8s.core.v1.Service("web", { metadata: { namespace: "shop" }, spec: { ports: PORTS } });
  const route = new sdk.HostRoute("web", {
    gateway: gw,
    namespace: "shop",
    host: "www.example.com",
    paths: [{ path: "/", service: svc, port: "http" }],
  });
  const spec = (await valueOf(route.ingress.spec)) as Values;
  assert.deepEqual(spec.rules[0].http.paths[0].backend, {
    service: { name: "web-abc123", port: { name: "http" } },
  });
  assert.equal(await valueOf(route.ingress.metadata.namespace), "shop");
});

for (const mode of ["preview", "update"]) {
  test(`a program routing to a Service resource with an unknown port name fails with the port error (${mode})`, () => {
    const program = join(__dirname, "programs", "unknown-service-port.ts");
    const result = spawnSync(process.execPath, ["--import", "tsx", program, mode], {
      encoding: "utf8",
      timeout: 60_000,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    assert.notEqual(result.status, 0, output);
    assert.ok(
      output.includes('HostRoute "api": paths[0].service: Service "api-abc123" has no port named "grpc"'),
      output,
    );
    assert.ok(output.includes("ERR_UNKNOWN_SERVICE_PORT"), output);
    assert.ok(output.includes("ingresses created: 0"), output);
  });
}

test("two routes to the same Service resource and path are a duplicate (warning), not a conflict", async () => {
  const warnings: string[] = [];
  const original = pulumi.log.warn;
  pulumi.log.warn = async (message: string) => {
    warnings.push(message);
  };
  try {
    const gw = new sdk.IngressGateway("public", { controller: "builtin" });
    const svc = new k8s.core.v1.Service("web", { spec: { ports: [{ name: "http", port: 80 }] } });
    new sdk.HostRoute("a", { gateway: gw, host: "www.example.com", paths: [{ path: "/", service: svc }] });
    new sdk.HostRoute("b", { gateway: gw, host: "www.example.com", paths: [{ path: "/", service: svc }] });
  } finally {
    pulumi.log.warn = original;
  }
  await settle();
  assert.equal(mocks.ofType(Types.ingress).length, 2);
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0]!, /^HostRoute "b": path "\/" \(Prefix\) on host "www.example.com" is also routed/);
  assert.match(warnings[0]!, /by HostRoute "a" on gateway "public".*\[WARN_DUPLICATE_ROUTE\]$/);
});

test("backends in two namespaces cannot share one route's Ingress", () => {
  const gw = new sdk.IngressGateway("public", { controller: "builtin" });
  const error = errorOf(
    () =>
      new sdk.HostRoute("mixed", {
        gateway: gw,
        host: "www.example.com",
        paths: [
          { path: "/a", service: { name: "a", port: 80, namespace: "one" } },
          { path: "/b", service: { name: "b", port: 80, namespace: "two" } },
        ],
      }),
  );
  assert.equal(error.code, "ERR_INVALID_BACKEND");
  assert.match(error.message, /namespaces "one", "two"/);
});
