import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ingress, ingressClass, serviceFor, service } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { request, upstreamName } from "../../helpers/http-client";
import { refusedPort, startUpstream, type Upstream } from "../../helpers/upstreams";

describe("proxy routing", () => {
  let harness: Harness;
  let shop: Upstream,
    api: Upstream,
    wild: Upstream,
    fallback: Upstream,
    b1: Upstream,
    b2: Upstream,
    b3: Upstream;

  before(async () => {
    [shop, api, wild, fallback, b1, b2, b3] = (await Promise.all(
      ["shop", "api", "wild", "fallback", "b1", "b2", "b3"].map((name) => startUpstream(name)),
    )) as [Upstream, Upstream, Upstream, Upstream, Upstream, Upstream, Upstream];
    const services = [
      serviceFor("shop", [shop.port]),
      serviceFor("api", [api.port]),
      serviceFor("wild", [wild.port]),
      serviceFor("fallback", [fallback.port]),
      serviceFor("pool", [b1.port, b2.port, b3.port]),
    ];
    harness = await startHarness({
      ingressClasses: [ingressClass()],
      ingresses: [
        ingress("shop", {
          rules: [
            {
              host: "shop.example.com",
              paths: [
                { path: "/", service: "shop" },
                { path: "/api", service: "api" },
                { path: "/exact", pathType: "Exact", service: "api" },
              ],
            },
            { host: "*.example.com", paths: [{ path: "/", service: "wild" }] },
            { host: "pool.example.com", paths: [{ path: "/", service: "pool" }] },
            { host: "empty.example.com", paths: [{ path: "/", service: "empty" }] },
            { host: "missing.example.com", paths: [{ path: "/", service: "does-not-exist" }] },
          ],
        }),
        ingress("default", {
          defaultBackend: { service: "fallback" },
          creationTimestamp: "2026-01-02T00:00:00Z",
        }),
      ],
      services: [...services.map((s) => s.service), service("empty")],
      endpointSlices: services.flatMap((s) => s.slices),
    });
  });

  after(async () => {
    await harness?.close();
    await Promise.all([shop, api, wild, fallback, b1, b2, b3].map((u) => u?.close()));
  });

  const get = (host: string, path = "/") => request({ port: harness.httpPort, host, path });

  it("routes by host and longest prefix, and Exact only matches exactly", async () => {
    assert.equal(upstreamName(await get("shop.example.com", "/")), "shop");
    assert.equal(upstreamName(await get("shop.example.com", "/api/users")), "api");
    assert.equal(upstreamName(await get("SHOP.example.com:80", "/api")), "api");
    assert.equal(upstreamName(await get("shop.example.com", "/apiary")), "shop");
    assert.equal(upstreamName(await get("shop.example.com", "/exact")), "api");
    assert.equal(upstreamName(await get("shop.example.com", "/exact/more")), "shop");
  });

  it("forwards the normalised path with its query, so dot segments cannot escape a route", async () => {
    const reply = JSON.parse((await get("shop.example.com", "/static/../api/x?q=1")).body) as {
      name: string;
      url: string;
    };
    assert.equal(reply.name, "api");
    assert.equal(reply.url, "/api/x?q=1");
  });

  it("routes a wildcard host to one label only, and exact hosts win over the wildcard", async () => {
    assert.equal(upstreamName(await get("blog.example.com")), "wild");
    assert.equal(upstreamName(await get("shop.example.com")), "shop");
    assert.equal(upstreamName(await get("a.b.example.com")), "fallback");
  });

  it("sends what no rule matches to the default backend", async () => {
    assert.equal(upstreamName(await get("unknown.test", "/x")), "fallback");
  });

  it("balances round robin across ready endpoints", async () => {
    const seen: string[] = [];
    for (let i = 0; i < 9; i++) seen.push(upstreamName(await get("pool.example.com")));
    const counts = Object.fromEntries(["b1", "b2", "b3"].map((n) => [n, seen.filter((s) => s === n).length]));
    assert.deepEqual(counts, { b1: 3, b2: 3, b3: 3 });
    assert.notEqual(seen[0], seen[1]);
  });

  it("answers 503 naming the reason when a backend has no ready endpoints or its Service is missing", async () => {
    const empty = await get("empty.example.com");
    assert.equal(empty.status, 503);
    assert.match(empty.body, /no ready endpoints/);
    const missing = await get("missing.example.com");
    assert.equal(missing.status, 503);
    assert.match(missing.body, /backend service for this route is not available/);
    assert.doesNotMatch(missing.body, /does-not-exist|default\//);
  });

  it("reports the Ingress with a missing Service to the source while its other routes serve", async () => {
    const reported = harness.source.reported.at(-1) ?? [];
    assert.ok(reported.some((u) => u.name === "shop" && u.code === "ERR_SERVICE_NOT_FOUND"));
    assert.ok(
      harness.logs.some((l) => l["code"] === "ERR_SERVICE_NOT_FOUND" && l["ingress"] === "default/shop"),
    );
    assert.equal((await get("shop.example.com")).status, 200);
  });

  it("answers 404 when no rule matches and there is no default backend", async () => {
    const current = harness.source.current();
    await harness.apply({ ingresses: current.ingresses.filter((i) => i.metadata?.name !== "default") });
    try {
      const response = await get("unknown.test", "/x");
      assert.equal(response.status, 404);
      assert.equal(response.body, "404 Not Found: no route for this host and path\n");
      assert.equal(response.headers["content-type"], "text/plain; charset=utf-8");
    } finally {
      await harness.apply({ ingresses: current.ingresses });
    }
  });

  it("serves an added endpoint and stops sending to a removed one after the snapshot swaps", async () => {
    const before = harness.source.current();
    const pool = serviceFor("pool", [b1.port]);
    const others = before.endpointSlices.filter((s) => !s.metadata?.name?.startsWith("pool-"));
    await harness.apply({ endpointSlices: [...others, ...pool.slices] });
    for (let i = 0; i < 4; i++) assert.equal(upstreamName(await get("pool.example.com")), "b1");
    const grown = serviceFor("pool", [b1.port, b3.port]);
    await harness.apply({ endpointSlices: [...others, ...grown.slices] });
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add(upstreamName(await get("pool.example.com")));
    assert.deepEqual([...seen].sort(), ["b1", "b3"]);
    await harness.apply({ endpointSlices: before.endpointSlices });
  });

  it("retries on another endpoint when connecting fails, and ejects the refusing endpoint after 5 failures", async () => {
    const before = harness.source.current();
    const refused = await refusedPort();
    const pool = serviceFor("pool", [refused, b2.port]);
    const others = before.endpointSlices.filter((s) => !s.metadata?.name?.startsWith("pool-"));
    await harness.apply({ endpointSlices: [...others, ...pool.slices] });
    const refusals = async (): Promise<number> => {
      const text = await harness.controller.metrics.registry.metrics();
      return Number(/ingress_kit_upstream_errors_total\{kind="connect_refused"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const refusedBefore = await refusals();
    try {
      for (let i = 0; i < 20; i++) {
        const response = await request({
          port: harness.httpPort,
          host: "pool.example.com",
          method: "POST",
          body: "x",
        });
        assert.equal(response.status, 200);
        assert.equal(upstreamName(response), "b2");
      }
      // Round robin tries the refusing endpoint every other request until the fifth failure ejects it.
      assert.equal((await refusals()) - refusedBefore, 5);
      const ejected = harness.logs.find(
        (l) => l["msg"] === "upstream endpoint ejected after consecutive connect failures",
      );
      assert.equal(ejected?.["endpoint"], `127.0.0.1:${refused}`);
      assert.equal(ejected?.["ejectedMs"], 10_000);
    } finally {
      await harness.apply({ endpointSlices: before.endpointSlices });
    }
  });
});
