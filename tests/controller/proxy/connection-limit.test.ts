// --max-connections on both engines, plain and TLS: connections over the limit are closed at accept (and
// counted), those within keep being served, a closed connection frees its place, and a WebSocket tunnel keeps
// the place of the connection it started as.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import type { HttpEngine } from "../../../sdk/controller/controller";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { TestConnection } from "../../helpers/test-connection";
import { startUpstream, type Upstream } from "../../helpers/upstreams";
import { encodeTextFrame } from "../../helpers/websocket-frames";

const LIMIT = 2;

async function refusedCount(harness: Harness, listener: "http" | "https"): Promise<number> {
  const text = await harness.controller.metrics.registry.metrics();
  const prefix = `ingress_kit_connections_refused_total{listener="${listener}"} `;
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line === undefined ? 0 : Number(line.slice(prefix.length));
}

/** Asserts that a connection over the limit is closed without an answer. */
async function assertRefused(port: number, secure: boolean): Promise<void> {
  let connection: TestConnection;
  try {
    connection = await TestConnection.open(port, secure ? { tls: { servername: "app.test" } } : {});
  } catch {
    return; // TLS: closed during the handshake
  }
  // Plain TCP: the kernel completed the handshake before the server accepted and closed it.
  connection.socket.write("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");
  await connection.waitClosed();
  assert.equal(connection.received, "", "a refused connection gets no answer");
}

/** Opens a connection and gets one response on it, retrying while the server may not have freed a place yet. */
async function openServed(port: number, secure: boolean): Promise<TestConnection> {
  for (let attempt = 1; ; attempt++) {
    try {
      const connection = await TestConnection.open(port, secure ? { tls: { servername: "app.test" } } : {});
      assert.match((await connection.get("app.test")).head, /^HTTP\/1\.1 200 /);
      return connection;
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(50);
    }
  }
}

for (const engine of ["fast", "node"] as HttpEngine[]) {
  describe(`connection limit (${engine} engine)`, () => {
    let harness: Harness;
    let app: Upstream;

    before(async () => {
      app = await startUpstream("app");
      const backend = serviceFor("app", [app.port]);
      harness = await startHarness(
        {
          ingressClasses: [ingressClass()],
          ingresses: [
            ingress("app", { rules: [{ host: "app.test", paths: [{ path: "/", service: "app" }] }] }),
          ],
          services: [backend.service],
          endpointSlices: backend.slices,
        },
        { httpEngine: engine, maxConnections: LIMIT },
      );
    });

    after(async () => {
      await harness?.close();
      await app?.close();
    });

    for (const secure of [false, true]) {
      const listener = secure ? "https" : "http";
      it(`${listener}: refuses connections over --max-connections and keeps serving those within`, async () => {
        const port = secure ? harness.httpsPort : harness.httpPort;
        const refusedBefore = await refusedCount(harness, listener);
        const first = await openServed(port, secure);
        const second = await openServed(port, secure);
        await assertRefused(port, secure);
        assert.equal(await refusedCount(harness, listener), refusedBefore + 1);
        // The connections within the limit keep working, keep-alive.
        assert.match((await first.get("app.test")).head, /^HTTP\/1\.1 200 /);
        assert.match((await second.get("app.test")).head, /^HTTP\/1\.1 200 /);
        // A closed connection frees its place.
        first.destroy();
        await first.closed;
        const third = await openServed(port, secure);
        second.destroy();
        third.destroy();
        await Promise.all([second.closed, third.closed]);
      });
    }

    it("counts a WebSocket tunnel against the limit until it closes", async () => {
      const tunnel = await TestConnection.open(harness.httpPort);
      assert.match(await tunnel.upgrade("app.test"), /^HTTP\/1\.1 101 /);
      tunnel.socket.write(encodeTextFrame("hi", true));
      assert.equal(await tunnel.readFrame(), "app:hi");
      const plain = await openServed(harness.httpPort, false);
      await assertRefused(harness.httpPort, false);
      tunnel.destroy();
      await tunnel.closed;
      const next = await openServed(harness.httpPort, false);
      plain.destroy();
      next.destroy();
      await Promise.all([plain.closed, next.closed]);
    });
  });
}
