import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { UpstreamEndpoint } from "../../../sdk/controller/backend-resolver";
import { EndpointHealth } from "../../../sdk/controller/proxy/endpoint-health";
import { EndpointPicker } from "../../../sdk/controller/proxy/endpoint-picker";
import { DEFAULT_ROUTE_OPTIONS, type LoadBalancer } from "../../../sdk/controller/route-options";
import type { RouteTarget } from "../../../sdk/controller/snapshot";

function endpoints(count: number): UpstreamEndpoint[] {
  return Array.from({ length: count }, (_, i) => ({
    address: `10.0.0.${i + 1}`,
    port: 80,
    key: `10.0.0.${i + 1}:80`,
    cookieId: `id${i + 1}`,
  }));
}

function target(
  list: UpstreamEndpoint[],
  loadBalance: LoadBalancer = "round-robin",
  service = "default/web:80",
): RouteTarget {
  return {
    endpoints: list,
    serviceLabel: service,
    options: { ...DEFAULT_ROUTE_OPTIONS, loadBalance },
  } as unknown as RouteTarget;
}

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("endpoint picker", () => {
  it("cycles round robin and skips excluded endpoints", () => {
    const picker = new EndpointPicker(new EndpointHealth(), () => 0);
    const t = target(endpoints(3));
    assert.deepEqual(
      Array.from({ length: 6 }, () => picker.pick(t, null, null)!.key),
      ["10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80", "10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"],
    );
    assert.equal(picker.pick(t, new Set(["10.0.0.1:80", "10.0.0.2:80"]), null)!.key, "10.0.0.3:80");
    assert.equal(picker.pick(t, new Set(t.endpoints.map((e) => e.key)), null), null);
    assert.equal(picker.pick(target([]), null, null), null);
  });

  it("keeps its round-robin position across snapshot swaps (new targets for the same Service)", () => {
    const picker = new EndpointPicker(new EndpointHealth(), () => 0);
    const picks: string[] = [];
    for (let swap = 0; swap < 6; swap++) picks.push(picker.pick(target(endpoints(2)), null, null)!.key);
    assert.deepEqual(picks, [
      "10.0.0.1:80",
      "10.0.0.2:80",
      "10.0.0.1:80",
      "10.0.0.2:80",
      "10.0.0.1:80",
      "10.0.0.2:80",
    ]);
  });

  it("starts each Service at a random endpoint, so workers and replicas do not all begin with the same one", () => {
    const picker = new EndpointPicker(new EndpointHealth(), () => 0.7);
    assert.equal(picker.pick(target(endpoints(3)), null, null)!.key, "10.0.0.3:80");
    assert.equal(
      picker.pick(target(endpoints(3), "round-robin", "default/other:80"), null, null)!.key,
      "10.0.0.3:80",
    );
  });

  it("prefers the endpoint with fewer requests in flight under least-request", () => {
    const health = new EndpointHealth();
    const list = endpoints(2);
    for (let i = 0; i < 5; i++) health.begin(list[0]!.key);
    const picker = new EndpointPicker(health, () => 0.1);
    for (let i = 0; i < 4; i++) {
      assert.equal(picker.pick(target(list, "least-request"), null, null)!.key, "10.0.0.2:80");
    }
    for (let i = 0; i < 5; i++) health.end(list[0]!.key);
    health.begin(list[1]!.key);
    assert.equal(picker.pick(target(list, "least-request"), null, null)!.key, "10.0.0.1:80");
  });

  it("keeps the affinity endpoint while it is eligible", () => {
    const picker = new EndpointPicker(new EndpointHealth());
    const t = target(endpoints(3));
    for (let i = 0; i < 3; i++) assert.equal(picker.pick(t, null, "id2")!.key, "10.0.0.2:80");
    assert.notEqual(picker.pick(t, new Set(["10.0.0.2:80"]), "id2")!.key, "10.0.0.2:80");
  });

  it("ejects an endpoint after 5 consecutive connect failures, for 10 s then longer, and not while others fail less", () => {
    const time = clock();
    const health = new EndpointHealth({ now: time.now });
    const picker = new EndpointPicker(health);
    const t = target(endpoints(2));
    for (let i = 0; i < 4; i++) assert.equal(health.connectFailed("10.0.0.1:80"), 0);
    assert.equal(health.connectFailed("10.0.0.1:80"), 10_000);
    for (let i = 0; i < 4; i++) assert.equal(picker.pick(t, null, null)!.key, "10.0.0.2:80");
    time.advance(10_001);
    assert.equal(health.isEjected("10.0.0.1:80", time.now()), false);
    for (let i = 0; i < 5; i++) health.connectFailed("10.0.0.1:80");
    assert.equal(health.state("10.0.0.1:80").ejectedUntil - time.now(), 20_000);
    for (let i = 0; i < 5; i++) health.connectFailed("10.0.0.1:80");
    assert.equal(health.state("10.0.0.1:80").ejectedUntil - time.now(), 30_000);
    health.connected("10.0.0.1:80");
    assert.equal(health.isEjected("10.0.0.1:80", time.now()), false);
  });

  it("still picks an ejected endpoint when every endpoint is ejected", () => {
    const time = clock();
    const health = new EndpointHealth({ now: time.now });
    const t = target(endpoints(2));
    for (const e of t.endpoints) for (let i = 0; i < 5; i++) health.connectFailed(e.key);
    assert.ok(new EndpointPicker(health).pick(t, null, null));
  });

  it("forgets idle endpoints that no snapshot names", () => {
    const health = new EndpointHealth();
    health.connectFailed("gone:80");
    health.begin("busy:80");
    health.retain(new Set());
    assert.equal(health.state("gone:80").consecutiveFailures, 0);
    assert.equal(health.active("busy:80"), 1);
  });
});
