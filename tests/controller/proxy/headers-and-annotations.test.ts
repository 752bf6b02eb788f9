import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { request, upstreamName } from "../../helpers/http-client";
import { startUpstream, type Upstream } from "../../helpers/upstreams";

interface Reply {
  name: string;
  url: string;
  headers: Record<string, string>;
}

async function startWith(trustedProxies: string[]) {
  const upstreams = await Promise.all(["a1", "a2", "a3"].map((name) => startUpstream(name)));
  const pool = serviceFor(
    "pool",
    upstreams.map((u) => u.port),
  );
  const route = (host: string) => ({ host, paths: [{ path: "/api", service: "pool" }] });
  const harness = await startHarness(
    {
      ingressClasses: [ingressClass()],
      ingresses: [
        ingress("plain", { rules: [route("plain.test")] }),
        ingress("rewrite", {
          annotations: { "ingress-kit.dev/rewrite-target": "/v2/" },
          rules: [route("rewrite.test")],
        }),
        ingress("sticky", {
          annotations: { "ingress-kit.dev/affinity": "cookie" },
          rules: [route("sticky.test")],
        }),
        ingress("least", {
          annotations: { "ingress-kit.dev/load-balance": "least-request" },
          rules: [route("least.test")],
        }),
      ],
      services: [pool.service],
      endpointSlices: pool.slices,
    },
    { trustedProxies },
  );
  return { harness, upstreams };
}

describe("forwarded headers and route annotations", () => {
  let untrusted: Harness;
  let trusted: Harness;
  let upstreams: Upstream[] = [];

  before(async () => {
    const a = await startWith([]);
    const b = await startWith(["127.0.0.0/8"]);
    untrusted = a.harness;
    trusted = b.harness;
    upstreams = [...a.upstreams, ...b.upstreams];
  });

  after(async () => {
    await untrusted?.close();
    await trusted?.close();
    await Promise.all(upstreams.map((u) => u.close()));
  });

  const spoofed = {
    "x-forwarded-for": "203.0.113.9",
    "x-forwarded-proto": "https",
    "x-forwarded-host": "evil.test",
    "x-forwarded-port": "8443",
    "x-request-id": "client-chosen-id",
  };

  it("overwrites X-Forwarded-* and X-Request-Id from untrusted clients", async () => {
    const response = await request({
      port: untrusted.httpPort,
      host: "plain.test",
      path: "/api",
      headers: spoofed,
    });
    const { headers } = JSON.parse(response.body) as Reply;
    assert.equal(headers["x-forwarded-for"], "127.0.0.1");
    assert.equal(headers["x-forwarded-proto"], "http");
    assert.equal(headers["x-forwarded-host"], "plain.test");
    assert.equal(headers["x-forwarded-port"], String(untrusted.httpPort));
    assert.equal(headers["x-real-ip"], "127.0.0.1");
    assert.match(headers["x-request-id"]!, /^[0-9a-f]{8}-[0-9a-f]{4}-/);
    assert.equal(headers["host"], "plain.test");
    assert.equal(
      response.headers["x-request-id"],
      headers["x-request-id"],
      "the client sees the id the upstream saw",
    );
  });

  it("appends to X-Forwarded-For and keeps the others from trusted proxies", async () => {
    const response = await request({
      port: trusted.httpPort,
      host: "plain.test",
      path: "/api",
      headers: spoofed,
    });
    const { headers } = JSON.parse(response.body) as Reply;
    assert.equal(headers["x-forwarded-for"], "203.0.113.9, 127.0.0.1");
    assert.equal(headers["x-forwarded-proto"], "https");
    assert.equal(headers["x-forwarded-host"], "evil.test");
    assert.equal(headers["x-forwarded-port"], "8443");
    assert.equal(headers["x-request-id"], "client-chosen-id");
  });

  it("drops hop-by-hop headers and the headers Connection names", async () => {
    const response = await request({
      port: untrusted.httpPort,
      host: "plain.test",
      path: "/api",
      headers: {
        connection: "keep-alive, x-secret-hop",
        "x-secret-hop": "1",
        "keep-alive": "timeout=5",
        "x-kept": "yes",
      },
    });
    const { headers } = JSON.parse(response.body) as Reply;
    assert.equal(headers["x-secret-hop"], undefined);
    assert.equal(headers["keep-alive"], undefined);
    assert.equal(headers["x-kept"], "yes");
  });

  it("rewrites the matched prefix with rewrite-target and keeps the rest and the query", async () => {
    const cases: [string, string][] = [
      ["/api/users?page=2", "/v2/users?page=2"],
      ["/api", "/v2/"],
      ["/api/", "/v2/"],
    ];
    for (const [path, expected] of cases) {
      const reply = JSON.parse(
        (await request({ port: untrusted.httpPort, host: "rewrite.test", path })).body,
      ) as Reply;
      assert.equal(reply.url, expected, path);
    }
  });

  it("pins a client to one endpoint with cookie affinity and sets the cookie once", async () => {
    const first = await request({ port: untrusted.httpPort, host: "sticky.test", path: "/api" });
    const setCookie = first.headers["set-cookie"]?.[0] ?? "";
    assert.match(setCookie, /^INGRESSKIT=[0-9a-f]{16}; Path=\/; HttpOnly; SameSite=Lax$/);
    const cookie = setCookie.split(";")[0]!;
    const names = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const next = await request({
        port: untrusted.httpPort,
        host: "sticky.test",
        path: "/api",
        headers: { cookie },
      });
      names.add(upstreamName(next));
      assert.equal(next.headers["set-cookie"], undefined);
    }
    assert.deepEqual([...names], [upstreamName(first)]);
    const stale = await request({
      port: untrusted.httpPort,
      host: "sticky.test",
      path: "/api",
      headers: { cookie: "INGRESSKIT=0000000000000000" },
    });
    assert.match(stale.headers["set-cookie"]?.[0] ?? "", /^INGRESSKIT=/);
  });

  it("spreads requests with least-request across every endpoint", async () => {
    const names = new Set<string>();
    for (let i = 0; i < 30; i++) {
      names.add(upstreamName(await request({ port: untrusted.httpPort, host: "least.test", path: "/api" })));
    }
    assert.equal(names.size, 3);
  });
});
