import assert from "node:assert/strict";
import net from "node:net";
import http from "node:http";
import { describe, it } from "node:test";
import { ingress, ingressClass, serviceFor } from "../helpers/cluster-objects";
import { startHarness } from "../helpers/controller-harness";
import { startRawUpstream } from "../helpers/raw-upstreams";
import { request, upstreamName } from "../helpers/http-client";
import { startUpstream } from "../helpers/upstreams";

function backendState(port: number) {
  const backend = serviceFor("web", [port]);
  return {
    ingressClasses: [ingressClass()],
    ingresses: [ingress("web", { rules: [{ host: "web.test", paths: [{ path: "/", service: "web" }] }] })],
    services: [backend.service],
    endpointSlices: backend.slices,
  };
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/", agent: false });
    req.on("response", (res) => {
      res.resume();
      resolve(false);
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

describe("graceful shutdown and health", () => {
  it("finishes a request in flight, refuses new connections and turns /readyz to 503", async (t) => {
    const web = await startUpstream("web");
    t.after(() => web.close());
    const harness = await startHarness(backendState(web.port), { healthPort: 0 });
    const healthPort = harness.controller.healthPort!;
    assert.equal((await request({ port: healthPort, path: "/readyz" })).status, 200);

    const inFlight = request({ port: harness.httpPort, host: "web.test", path: "/hold" });
    await web.waitForHeld();
    const stopped = harness.controller.shutdown();
    assert.equal(harness.controller.ready(), false);
    assert.ok(await connectionRefused(harness.httpPort), "new connections are refused while draining");
    web.release();
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.equal(upstreamName(response), "web");
    assert.equal(response.headers.connection, "close");
    await stopped;
    assert.ok(harness.source.stopped);
  });

  it("closes connections still open when the shutdown timeout passes", async (t) => {
    const web = await startUpstream("web");
    t.after(() => web.close());
    const harness = await startHarness(backendState(web.port), { shutdownTimeoutMs: 200 });
    const inFlight = request({ port: harness.httpPort, host: "web.test", path: "/never" }).then(
      () => "answered",
      () => "closed",
    );
    while (web.requests === 0) await new Promise((resolve) => setImmediate(resolve));
    const started = Date.now();
    await harness.controller.shutdown();
    assert.ok(Date.now() - started < 2_000);
    assert.equal(await inFlight, "closed");
    assert.ok(harness.logs.some((l) => l["msg"] === "shutdown timeout: closing the remaining connections"));
  });

  it("closes an upgrade still waiting for its upstream when the shutdown timeout passes", async (t) => {
    let upgradeSeen = false;
    // An upstream that takes the WebSocket handshake and never answers it.
    const silent = await startRawUpstream(() => (upgradeSeen = true));
    t.after(() => silent.close());
    const harness = await startHarness(backendState(silent.port), { shutdownTimeoutMs: 200 });
    const client = net.connect(harness.httpPort, "127.0.0.1");
    client.on("error", () => undefined);
    t.after(() => client.destroy()); // should the test fail, the shutdown it waits for can finish
    const clientClosed = new Promise((resolve) => client.once("close", resolve));
    client.write(
      "GET /ws HTTP/1.1\r\nHost: web.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    while (!upgradeSeen) await new Promise((resolve) => setTimeout(resolve, 10));
    const shutdown = harness.controller.shutdown().then(() => "done");
    const late = new Promise((resolve) => setTimeout(() => resolve("still waiting after 3 s"), 3_000));
    assert.equal(await Promise.race([shutdown, late]), "done");
    await clientClosed;
  });

  it("serves /healthz, /readyz and Prometheus /metrics on the health port", async (t) => {
    const web = await startUpstream("web");
    t.after(() => web.close());
    const harness = await startHarness(backendState(web.port), { healthPort: 0 });
    t.after(() => harness.close());
    const port = harness.controller.healthPort!;
    await request({ port: harness.httpPort, host: "web.test" });
    assert.equal((await request({ port, path: "/healthz" })).body, "ok\n");
    assert.equal((await request({ port, path: "/readyz" })).status, 200);
    const metrics = await request({ port, path: "/metrics" });
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.headers["content-type"]), /^text\/plain/);
    for (const line of [
      /ingress_kit_requests_total\{ingress="default\/web",service="default\/web:80",status_class="2xx"\} 1/,
      /ingress_kit_request_duration_seconds_count\{ingress="default\/web"\} 1/,
      /ingress_kit_snapshot_reloads_total\{result="success"\} 1/,
      /ingress_kit_snapshot_reload_duration_seconds_count 1/,
      /ingress_kit_routes 1/,
      /ingress_kit_endpoints 1/,
    ]) {
      assert.match(metrics.body, line);
    }
    assert.equal((await request({ port, path: "/nope" })).status, 404);
  });

  it("writes one access log line per request only when the access log is on", async (t) => {
    const web = await startUpstream("web");
    t.after(() => web.close());
    const quiet = await startHarness(backendState(web.port));
    t.after(() => quiet.close());
    const loud = await startHarness(backendState(web.port), { accessLog: true });
    t.after(() => loud.close());
    await request({ port: quiet.httpPort, host: "web.test", path: "/a?b=1" });
    await request({ port: loud.httpPort, host: "web.test", path: "/a?b=1" });
    await request({ port: loud.httpPort, host: "nothing.test", path: "/" });
    assert.equal(quiet.logs.filter((l) => l["msg"] === "access").length, 0);
    const lines = loud.logs.filter((l) => l["msg"] === "access");
    assert.equal(lines.length, 2);
    assert.deepEqual(
      lines.map((l) => [l["host"], l["path"], l["status"], l["ingress"], l["service"]]),
      [
        ["web.test", "/a?b=1", 200, "default/web", "default/web:80"],
        ["nothing.test", "/", 404, undefined, undefined],
      ],
    );
    assert.match(String(lines[0]!["upstream"]), /^127\.0\.0\.1:\d+$/);
    assert.match(String(lines[0]!["requestId"]), /^[0-9a-f-]{36}$/);
  });
});
