// The package entry (sdk/index.ts) exposes the components and their public types, and never loads the controller:
// a Pulumi program must not load the proxy.
import assert from "node:assert/strict";
import { test } from "node:test";

test("importing the package entry loads no module of sdk/controller", async () => {
  const sdk = await import("../../sdk/index.js");
  assert.equal(typeof sdk.IngressGateway, "function");
  const loaded = Object.keys(require.cache).filter((file) => /[\\/]sdk[\\/]/.test(file));
  assert.ok(
    loaded.some((file) => /[\\/]sdk[\\/]components[\\/]host-route\.ts$/.test(file)),
    "entry was loaded",
  );
  assert.deepEqual(
    loaded.filter((file) => /[\\/]sdk[\\/]controller[\\/]/.test(file)),
    [],
  );
});

test("the entry exports the components, the controller kinds, the reset hook and the pinned defaults", async () => {
  const sdk = await import("../../sdk/index.js");
  assert.deepEqual([...sdk.CONTROLLER_KINDS], ["nginx", "ingress-nginx", "traefik", "haproxy", "builtin"]);
  assert.equal(typeof sdk.HostRoute, "function");
  assert.equal(typeof sdk.resetRouteRegistry, "function");
  assert.equal(sdk.TRAEFIK_CHART.version, "41.3.0");
  assert.equal(sdk.INGRESS_NGINX_CHART.version, "4.15.1");
  assert.equal(sdk.HAPROXY_CHART.version, "1.52.1");
  assert.equal(sdk.NGINX_CHART.version, "2.7.2");
  assert.equal(sdk.SKIP_AWAIT, "pulumi.com/skipAwait");
});
