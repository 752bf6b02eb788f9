// An upstream's `Keep-Alive: timeout=N` bounds how long the proxy reuses its connection (less a second's margin,
// so that a request never meets a connection the upstream is closing): with timeout=1 every request gets a new
// connection, without the header the first one is reused.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { HttpEngine } from "../../../sdk/controller/controller";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { request } from "../../helpers/http-client";
import { startRawUpstream, type RawUpstream } from "../../helpers/raw-upstreams";

/** An upstream answering every request head with `extraHeader` in its response. */
function answering(extraHeader: string): Promise<RawUpstream> {
  return startRawUpstream((socket, chunk) => {
    const heads = chunk.toString("latin1").split("\r\n\r\n").length - 1;
    for (let i = 0; i < heads; i++) {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n${extraHeader}\r\nok`);
    }
  });
}

for (const engine of ["fast", "node"] as HttpEngine[]) {
  describe(`the upstream's Keep-Alive timeout (${engine} engine)`, () => {
    let harness: Harness;
    let short: RawUpstream;
    let plain: RawUpstream;

    before(async () => {
      short = await answering("Keep-Alive: timeout=1\r\n");
      plain = await answering("");
      const a = serviceFor("short", [short.port]);
      const b = serviceFor("plain", [plain.port]);
      harness = await startHarness(
        {
          ingressClasses: [ingressClass()],
          ingresses: [
            ingress("short", { rules: [{ host: "short.test", paths: [{ path: "/", service: "short" }] }] }),
            ingress("plain", { rules: [{ host: "plain.test", paths: [{ path: "/", service: "plain" }] }] }),
          ],
          services: [a.service, b.service],
          endpointSlices: [...a.slices, ...b.slices],
        },
        { httpEngine: engine },
      );
    });

    after(async () => {
      await harness?.close();
      await short?.close();
      await plain?.close();
    });

    it("opens a new upstream connection for each request when the upstream says timeout=1", async () => {
      for (let i = 0; i < 3; i++) {
        assert.equal((await request({ port: harness.httpPort, host: "short.test" })).status, 200);
      }
      assert.equal(short.connections, 3);
    });

    it("reuses the upstream connection when the upstream announces no timeout", async () => {
      for (let i = 0; i < 3; i++) {
        assert.equal((await request({ port: harness.httpPort, host: "plain.test" })).status, 200);
      }
      assert.equal(plain.connections, 1);
    });
  });
}
