// Established WebSocket tunnels on both engines: closed after the route's read timeout without traffic either
// way (ingress-nginx's proxy-read-timeout), kept while frames flow, and counted once (status 101) in the request
// metrics, with a gauge of open tunnels.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import type { HttpEngine } from "../../../sdk/controller/controller";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { TestConnection } from "../../helpers/test-connection";
import { startUpstream, type Upstream } from "../../helpers/upstreams";
import { encodeTextFrame } from "../../helpers/websocket-frames";

/** The tunnels' idle timeout in these tests (the route's read-timeout annotation), ms. */
const IDLE_MS = 500;

/** The value of one sample line of the Prometheus text, 0 when absent. */
async function sample(harness: Harness, pattern: RegExp): Promise<number> {
  const text = await harness.controller.metrics.registry.metrics();
  const line = text.split("\n").find((l) => pattern.test(l));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(" ") + 1));
}

const TUNNELS_101 = /^ingress_kit_requests_total\{ingress="default\/idle",[^}]*status_class="1xx"\} /;
const OPEN_TUNNELS = /^ingress_kit_websocket_tunnels /;

/** Polls `check` every 20 ms until it holds; fails after `timeoutMs`. */
async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 3_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

for (const engine of ["fast", "node"] as HttpEngine[]) {
  describe(`WebSocket tunnels (${engine} engine)`, () => {
    let harness: Harness;
    let echo: Upstream;

    before(async () => {
      echo = await startUpstream("echo");
      const ws = serviceFor("ws", [echo.port]);
      harness = await startHarness(
        {
          ingressClasses: [ingressClass()],
          ingresses: [
            ingress("idle", {
              rules: [{ host: "idle.test", paths: [{ path: "/", service: "ws" }] }],
              annotations: { "ingress-kit.dev/read-timeout": String(IDLE_MS / 1000) },
            }),
          ],
          services: [ws.service],
          endpointSlices: ws.slices,
        },
        { httpEngine: engine, accessLog: true },
      );
    });

    after(async () => {
      await harness?.close();
      await echo?.close();
    });

    it("closes a tunnel, both sides, when no byte flowed either way for the route's read timeout", async () => {
      const earlier = new Set(echo.sockets);
      const client = await TestConnection.open(harness.httpPort);
      assert.match(await client.upgrade("idle.test"), /^HTTP\/1\.1 101 /);
      const upstreamSide = [...echo.sockets].filter((socket) => !earlier.has(socket));
      assert.equal(upstreamSide.length, 1);
      client.socket.write(encodeTextFrame("hello", true));
      assert.equal(await client.readFrame(), "echo:hello");
      const quietSince = Date.now();
      await client.waitClosed(IDLE_MS + 4_000);
      const closedAfter = Date.now() - quietSince;
      assert.ok(closedAfter >= IDLE_MS - 50, `closed after ${closedAfter} ms, before the idle timeout`);
      // The echo upstream keeps its side half-open after our FIN; that the FIN came is what matters.
      await eventually(
        () => upstreamSide.every((socket) => socket.readableEnded || socket.destroyed),
        "the upstream side closed too",
      );
      assert.equal(harness.controller.proxy.openTunnels, 0);
    });

    it("keeps a tunnel open while frames flow, for several idle timeouts", async () => {
      const client = await TestConnection.open(harness.httpPort);
      assert.match(await client.upgrade("idle.test"), /^HTTP\/1\.1 101 /);
      const started = Date.now();
      for (let i = 0; Date.now() - started < IDLE_MS * 3; i++) {
        client.socket.write(encodeTextFrame(`ping ${i}`, true));
        assert.equal(await client.readFrame(), `echo:ping ${i}`);
        await sleep(IDLE_MS / 5);
      }
      assert.equal(client.closedWith, null, "the active tunnel is still open");
      assert.equal(harness.controller.proxy.openTunnels, 1);
      client.destroy();
      await client.closed;
    });

    it("counts a tunnel once as a 101 request, and in the open-tunnels gauge while it is open", async () => {
      const counted = await sample(harness, TUNNELS_101);
      const client = await TestConnection.open(harness.httpPort);
      assert.match(await client.upgrade("idle.test"), /^HTTP\/1\.1 101 /);
      for (const text of ["one", "two", "three"]) {
        client.socket.write(encodeTextFrame(text, true));
        assert.equal(await client.readFrame(), `echo:${text}`);
      }
      assert.equal(await sample(harness, TUNNELS_101), counted + 1, "the upgrade is counted when answered");
      assert.equal(await sample(harness, OPEN_TUNNELS), 1);
      client.destroy();
      await client.closed;
      await eventually(async () => (await sample(harness, OPEN_TUNNELS)) === 0, "the gauge went back to 0");
      assert.equal(await sample(harness, TUNNELS_101), counted + 1, "frames and the close add no requests");
    });

    it("writes one access-log line for a tunnel, with status 101, its route, upstream and request id", async () => {
      const accessLines = (): Record<string, unknown>[] =>
        harness.logs.filter((line) => line.msg === "access" && line.host === "idle.test");
      const before = accessLines().length;
      const client = await TestConnection.open(harness.httpPort);
      assert.match(await client.upgrade("idle.test"), /^HTTP\/1\.1 101 /);
      client.socket.write(encodeTextFrame("logged", true));
      assert.equal(await client.readFrame(), "echo:logged");
      client.destroy();
      await client.closed;
      await eventually(() => accessLines().length > before, "the access-log line");
      const lines = accessLines().slice(before);
      assert.equal(lines.length, 1, "one line per upgrade, not per frame or per close");
      const line = lines[0]!;
      assert.equal(line.status, 101);
      assert.equal(line.method, "GET");
      assert.equal(line.ingress, "default/idle");
      assert.equal(line.upstream, `127.0.0.1:${echo.port}`);
      assert.match(String(line.requestId), /^[0-9a-f-]{36}$/);
    });

    it("counts an upgrade that gets no tunnel with the status it got", async () => {
      const noRoute = /^ingress_kit_requests_total\{ingress="",[^}]*status_class="4xx"\} /;
      const counted = await sample(harness, noRoute);
      const client = await TestConnection.open(harness.httpPort);
      assert.match(await client.upgrade("nothing.test"), /^HTTP\/1\.1 404 /);
      await client.waitClosed();
      assert.equal(await sample(harness, noRoute), counted + 1);
    });
  });
}
