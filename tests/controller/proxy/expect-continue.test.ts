// Expect: 100-continue on both engines: `100 Continue` only once the request is routed, its declared size
// accepted and the upstream ready for the body; an answer of the proxy's own comes instead of it, and the
// connection closes (the client may never send the body it announced).
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import type { HttpEngine } from "../../../sdk/controller/controller";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { rawExchange } from "../../helpers/raw-client";
import { startUpstream, type Upstream } from "../../helpers/upstreams";

const upload = (host: string, length: number): string =>
  `POST /body HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`;

for (const engine of ["fast", "node"] as HttpEngine[]) {
  describe(`Expect: 100-continue (${engine} engine)`, () => {
    let harness: Harness;
    let echo: Upstream;

    before(async () => {
      echo = await startUpstream("echo");
      const backend = serviceFor("web", [echo.port]);
      harness = await startHarness(
        {
          ingressClasses: [ingressClass()],
          ingresses: [
            ingress("web", {
              rules: [{ host: "web.test", paths: [{ path: "/", service: "web" }] }],
              annotations: { "ingress-kit.dev/max-body-size": "1k" },
            }),
          ],
          services: [backend.service],
          endpointSlices: backend.slices,
        },
        { httpEngine: engine },
      );
    });

    after(async () => {
      await harness?.close();
      await echo?.close();
    });

    it("answers 413 without a 100 Continue when the declared body is too large, and closes", async () => {
      const answer = await rawExchange(harness.httpPort, upload("web.test", 5000));
      assert.match(answer, /^HTTP\/1\.1 413 /);
      assert.doesNotMatch(answer, /100 Continue/);
      assert.match(answer, /\r\nConnection: close\r\n/i);
    });

    it("answers 404 without a 100 Continue for an unknown host, and closes", async () => {
      const answer = await rawExchange(harness.httpPort, upload("unknown.test", 10));
      assert.match(answer, /^HTTP\/1\.1 404 /);
      assert.doesNotMatch(answer, /100 Continue/);
    });

    it("sends 100 Continue when the upstream is ready, then forwards the body", async () => {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(harness.httpPort, "127.0.0.1");
        let text = "";
        let sent = false;
        socket.on("data", (chunk: Buffer) => {
          text += chunk.toString("latin1");
          if (!sent && text.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
            sent = true;
            socket.write("hello");
          }
          if (text.includes('"bytes":5')) socket.end();
        });
        socket.on("error", reject);
        socket.on("close", () => resolve(text));
        socket.setTimeout(5_000, () => socket.destroy());
        socket.write(upload("web.test", 5));
      });
      assert.match(answer, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
      assert.match(answer, /"bytes":5/);
    });
  });
}
