// send-timeout on both engines: the longest pause in a request body's flow. A client that stops sending gets
// 408; an upstream that stops taking the body (its socket buffers full) is the upstream's fault: 504.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import type { HttpEngine } from "../../../sdk/controller/controller";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { startRawUpstream, type RawUpstream } from "../../helpers/raw-upstreams";

/** Sends a request head and `body` (all of it, or what the proxy takes), returns the head the proxy answered. */
function post(port: number, host: string, declared: number, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    socket.setTimeout(15_000, () => socket.destroy(new Error("no answer within 15 s")));
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (text.includes("\r\n\r\n")) socket.destroy(); // the answer's head is all these tests look at
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET" || error.code === "EPIPE") resolve(text);
      else reject(error);
    });
    socket.on("close", () => resolve(text));
    socket.write(`POST /upload HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${declared}\r\n\r\n`);
    socket.write(body);
  });
}

for (const engine of ["fast", "node"] as HttpEngine[]) {
  describe(`send-timeout (${engine} engine)`, () => {
    let harness: Harness;
    let stuck: RawUpstream;

    before(async () => {
      // Reads the first bytes, then nothing more: its socket buffers fill and the proxy's writes stop.
      stuck = await startRawUpstream((socket) => socket.pause());
      const backend = serviceFor("stuck", [stuck.port]);
      harness = await startHarness(
        {
          ingressClasses: [ingressClass()],
          ingresses: [
            ingress("stuck", {
              rules: [{ host: "stuck.test", paths: [{ path: "/", service: "stuck" }] }],
              annotations: {
                "ingress-kit.dev/send-timeout": "1",
                "ingress-kit.dev/read-timeout": "30",
                "ingress-kit.dev/max-body-size": "0",
              },
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
      await stuck?.close();
    });

    it("answers 408 when the client stops sending its body", async () => {
      const answer = await post(harness.httpPort, "stuck.test", 1000, Buffer.alloc(10, 0x61));
      assert.match(answer, /^HTTP\/1\.1 408 /);
    });

    it("answers 504 when the upstream stops taking the body, not 408", async () => {
      const size = 64 * 1024 * 1024; // far more than the loopback socket buffers hold
      const answer = await post(harness.httpPort, "stuck.test", size, Buffer.alloc(size, 0x62));
      assert.match(answer, /^HTTP\/1\.1 504 /);
    });
  });
}
