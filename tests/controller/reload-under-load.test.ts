import assert from "node:assert/strict";
import http from "node:http";
import { describe, it } from "node:test";
import { ingress, ingressClass, serviceFor } from "../helpers/cluster-objects";
import { startHarness } from "../helpers/controller-harness";
import { request, upstreamName } from "../helpers/http-client";
import { startUpstream } from "../helpers/upstreams";

describe("reload under load", () => {
  it("serves every request of routes that stay valid while routes and endpoints change 100 times", async (t) => {
    const upstreams = await Promise.all(["s1", "s2", "s3", "churn"].map((name) => startUpstream(name)));
    t.after(() => Promise.all(upstreams.map((u) => u.close())));
    const [s1, s2, s3, churn] = upstreams as [
      (typeof upstreams)[0],
      (typeof upstreams)[0],
      (typeof upstreams)[0],
      (typeof upstreams)[0],
    ];
    const stable = ingress("stable", {
      rules: [{ host: "stable.test", paths: [{ path: "/", service: "stable" }] }],
    });
    const endpointSets = [
      [s1.port],
      [s1.port, s2.port],
      [s2.port, s3.port],
      [s3.port],
      [s1.port, s2.port, s3.port],
    ];
    const stateFor = (change: number) => {
      const stableBackend = serviceFor("stable", endpointSets[change % endpointSets.length]!);
      const churnBackend = serviceFor("churn", [churn.port]);
      const changing = ingress(`churn-${change % 7}`, {
        rules: [{ host: `churn-${change}.test`, paths: [{ path: `/p${change}`, service: "churn" }] }],
      });
      return {
        ingressClasses: [ingressClass()],
        ingresses: change % 3 === 0 ? [stable] : [stable, changing],
        services: [stableBackend.service, churnBackend.service],
        endpointSlices: [...stableBackend.slices, ...churnBackend.slices],
      };
    };
    const harness = await startHarness(stateFor(0), { debounceMs: 1, maxDelayMs: 5 });
    t.after(() => harness.close());

    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    t.after(() => agent.destroy());
    let running = true;
    let sent = 0;
    const failures: string[] = [];
    const seen = new Set<string>();
    const client = async (): Promise<void> => {
      while (running) {
        sent++;
        try {
          const response = await request({ port: harness.httpPort, host: "stable.test", path: "/", agent });
          if (response.status !== 200) failures.push(`${response.status} ${response.body.trim()}`);
          else seen.add(upstreamName(response));
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    for (let change = 1; change <= 100; change++) {
      await harness.apply(stateFor(change));
      // Let some requests run on each snapshot.
      const target = sent + 5;
      while (sent < target) await new Promise((resolve) => setImmediate(resolve));
    }
    running = false;
    await Promise.all(clients);
    const version = harness.controller.builder.current()!.version;
    t.diagnostic(
      `requests: ${sent}, failed: ${failures.length}, snapshots: ${version}, upstreams seen: ${[...seen].sort().join(",")}`,
    );
    console.log(`reload under load: ${sent} requests across ${version} snapshots, ${failures.length} failed`);
    assert.deepEqual(failures.slice(0, 5), []);
    assert.equal(version, 101);
    assert.deepEqual([...seen].sort(), ["s1", "s2", "s3"]);
    assert.equal(
      (await request({ port: harness.httpPort, host: "churn-100.test", path: "/p100" })).status,
      200,
    );
  });

  it("finishes a request in flight on the snapshot it started with after its route and endpoints are removed", async (t) => {
    const upstream = await startUpstream("old");
    t.after(() => upstream.close());
    const backend = serviceFor("old", [upstream.port]);
    const harness = await startHarness({
      ingressClasses: [ingressClass()],
      ingresses: [ingress("old", { rules: [{ host: "old.test", paths: [{ path: "/", service: "old" }] }] })],
      services: [backend.service],
      endpointSlices: backend.slices,
    });
    t.after(() => harness.close());
    const inFlight = request({ port: harness.httpPort, host: "old.test", path: "/hold" });
    await upstream.waitForHeld();
    await harness.apply({ ingresses: [], services: [], endpointSlices: [] });
    assert.equal((await request({ port: harness.httpPort, host: "old.test" })).status, 404);
    upstream.release();
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.equal(upstreamName(response), "old");
  });
});
