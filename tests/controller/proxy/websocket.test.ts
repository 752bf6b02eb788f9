import assert from "node:assert/strict";
import { once } from "node:events";
import net from "node:net";
import tls from "node:tls";
import { after, before, describe, it } from "node:test";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { refusedPort, startUpstream, type Upstream } from "../../helpers/upstreams";
import { decodeFrame, encodeTextFrame } from "../../helpers/websocket-frames";

/** Sends a raw upgrade request; resolves with the response head and a reader for what follows. */
async function upgrade(port: number, host: string, path = "/ws", secure = false) {
  const socket = secure
    ? tls.connect({ host: "127.0.0.1", port, servername: host, rejectUnauthorized: false })
    : net.connect(port, "127.0.0.1");
  await once(socket, secure ? "secureConnect" : "connect");
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  let buffered = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    waiters.splice(0).forEach((w) => w());
  });
  const closed = once(socket, "close");
  const more = () => new Promise<void>((resolve) => waiters.push(resolve));
  while (!buffered.includes("\r\n\r\n")) await Promise.race([more(), closed]);
  const end = buffered.indexOf("\r\n\r\n");
  const head = buffered.subarray(0, end).toString();
  buffered = buffered.subarray(end + 4);
  return {
    socket,
    head,
    async readFrame(): Promise<string> {
      for (;;) {
        const frame = decodeFrame(buffered);
        if (frame) {
          buffered = buffered.subarray(frame.length);
          return frame.text;
        }
        await more();
      }
    },
    body: () => buffered.toString(),
    closed,
  };
}

describe("WebSocket upgrades", () => {
  let harness: Harness;
  let echo: Upstream;

  before(async () => {
    echo = await startUpstream("echo");
    const ws = serviceFor("ws", [echo.port]);
    const dead = serviceFor("dead", [await refusedPort()]);
    harness = await startHarness({
      ingressClasses: [ingressClass()],
      ingresses: [
        ingress("ws", {
          rules: [
            { host: "ws.test", paths: [{ path: "/", service: "ws" }] },
            { host: "dead.test", paths: [{ path: "/", service: "dead" }] },
          ],
        }),
      ],
      services: [ws.service, dead.service],
      endpointSlices: [...ws.slices, ...dead.slices],
    });
  });

  after(async () => {
    await harness?.close();
    await echo?.close();
  });

  it("tunnels a WebSocket after the upstream's 101 and echoes frames both ways", async () => {
    const client = await upgrade(harness.httpPort, "ws.test");
    assert.match(client.head, /^HTTP\/1\.1 101 /);
    assert.match(client.head, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/i);
    assert.match(client.head, /X-Upstream: echo/);
    client.socket.write(encodeTextFrame("hello", true));
    assert.equal(await client.readFrame(), "echo:hello");
    client.socket.write(encodeTextFrame("again", true));
    assert.equal(await client.readFrame(), "echo:again");
    assert.equal(harness.controller.proxy.openTunnels, 1);
    client.socket.destroy();
    await client.closed;
  });

  it("answers a failed upgrade with a plain status instead of a tunnel", async () => {
    const noRoute = await upgrade(harness.httpPort, "nothing.test");
    assert.match(noRoute.head, /^HTTP\/1\.1 404 /);
    await noRoute.closed;
    const dead = await upgrade(harness.httpPort, "dead.test");
    assert.match(dead.head, /^HTTP\/1\.1 502 /);
    await dead.closed;
    assert.match(dead.body(), /could not connect to the upstream/);
  });

  it("tunnels a WebSocket over TLS (wss) and tells the upstream the scheme was https", async () => {
    const client = await upgrade(harness.httpsPort, "ws.test", "/secure", true);
    assert.match(client.head, /^HTTP\/1\.1 101 /);
    assert.match(client.head, /X-Seen-Forwarded-Proto: https/);
    client.socket.write(encodeTextFrame("over tls", true));
    assert.equal(await client.readFrame(), "echo:over tls");
    client.socket.destroy();
    await client.closed;
  });
});
