// The program-wide route registry: routes are checked per gateway (IngressClass), and tests can reset it.
import assert from "node:assert/strict";
import { before, beforeEach, test } from "node:test";
import { errorOf, settle } from "../helpers/outputs";
import { installMocks, Types, type MockState } from "../helpers/pulumi-mocks";

type Sdk = typeof import("../../sdk/index.js");
let sdk: Sdk;
let mocks: MockState;
let registry: typeof import("../../sdk/components/route-registry.js");

before(async () => {
  mocks = await installMocks({ preview: true });
  sdk = await import("../../sdk/index.js");
  registry = await import("../../sdk/components/route-registry.js");
});
beforeEach(async () => {
  await settle();
  registry.resetRouteRegistry();
  mocks.reset();
});

const api = (name: string) => [{ path: "/api", service: { name, port: 80 } }];

test("the same host and path on two different gateways do not conflict", async () => {
  const pub = new sdk.IngressGateway("public", { controller: "traefik" });
  const internal = new sdk.IngressGateway("internal", { controller: "builtin" });
  new sdk.HostRoute("a", { gateway: pub, host: "shop.example.com", paths: api("one") });
  new sdk.HostRoute("b", { gateway: internal, host: "shop.example.com", paths: api("two") });
  await settle();
  assert.equal(mocks.ofType(Types.ingress).length, 2);
  assert.equal(registry.routeCount("public"), 1);
  assert.equal(registry.routeCount("internal"), 1);
});

test("a route naming the gateway by class is checked against routes given the gateway object", () => {
  const gw = new sdk.IngressGateway("public", { controller: "nginx" });
  new sdk.HostRoute("a", { gateway: gw, host: "shop.example.com", paths: api("one") });
  const error = errorOf(
    () => new sdk.HostRoute("b", { gateway: "public", host: "shop.example.com", paths: api("two") }),
  );
  assert.equal(error.code, "ERR_ROUTE_CONFLICT");
});

test("routes on a class of another program are checked against each other", () => {
  new sdk.HostRoute("a", { gateway: "edge", host: "shop.example.com", paths: api("one") });
  const error = errorOf(
    () => new sdk.HostRoute("b", { gateway: "edge", host: "shop.example.com", paths: api("two") }),
  );
  assert.equal(error.code, "ERR_ROUTE_CONFLICT");
  assert.match(error.message, /by HostRoute "a" on gateway "edge"/);
});

test("a conflict lists every route already holding the path, sorted", () => {
  const gw = new sdk.IngressGateway("public", { controller: "nginx" });
  new sdk.HostRoute("zeta", {
    gateway: gw,
    host: "shop.example.com",
    paths: [{ path: "/x", pathType: "Exact", service: { name: "z", port: 80 } }],
  });
  new sdk.HostRoute("alpha", { gateway: gw, host: "shop.example.com", paths: api("a") });
  const error = errorOf(
    () =>
      new sdk.HostRoute("new", {
        gateway: gw,
        host: "shop.example.com",
        paths: [
          { path: "/api", service: { name: "n", port: 80 } },
          { path: "/x", pathType: "Exact", service: { name: "n", port: 80 } },
        ],
      }),
  );
  assert.deepEqual(error.codes, ["ERR_ROUTE_CONFLICT", "ERR_ROUTE_CONFLICT"]);
  assert.ok(
    error.message.includes('HostRoute "alpha"') && error.message.includes('HostRoute "zeta"'),
    error.message,
  );
  assert.ok(error.message.indexOf('"/api"') < error.message.indexOf('"/x"'), "sorted by path");
});

test("Exact and Prefix routes of the same path do not conflict", async () => {
  const gw = new sdk.IngressGateway("public", { controller: "nginx" });
  new sdk.HostRoute("a", {
    gateway: gw,
    host: "shop.example.com",
    paths: [{ path: "/api", pathType: "Exact", service: { name: "a", port: 80 } }],
  });
  new sdk.HostRoute("b", { gateway: gw, host: "shop.example.com", paths: api("b") });
  await settle();
  assert.equal(mocks.ofType(Types.ingress).length, 2);
});

test("resetRouteRegistry forgets routes and gateways, so a second program may reuse their names", async () => {
  const first = new sdk.IngressGateway("public", { controller: "nginx" });
  new sdk.HostRoute("a", { gateway: first, host: "shop.example.com", paths: api("one") });
  registry.resetRouteRegistry();
  const second = new sdk.IngressGateway("public", { controller: "nginx" });
  new sdk.HostRoute("a", { gateway: second, host: "shop.example.com", paths: api("two") });
  assert.equal(registry.routeCount("public"), 1);
});

test("after 200 routes on distinct hosts, a conflicting route is still found among them", () => {
  const gw = new sdk.IngressGateway("public", { controller: "builtin" });
  for (let i = 0; i < 200; i++) {
    new sdk.HostRoute(`r${i}`, { gateway: gw, host: `h${i}.example.com`, paths: api(`s${i}`) });
  }
  assert.equal(registry.routeCount("public"), 200);
  const error = errorOf(
    () => new sdk.HostRoute("late", { gateway: gw, host: "h137.example.com", paths: api("other") }),
  );
  assert.match(error.message, /by HostRoute "r137" on gateway "public"/);
});
