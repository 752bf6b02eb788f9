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
        ingress("secure-ws", {
          rules: [{ host: "secure-ws.test", paths: [{ path: "/", service: "ws" }] }],
          tls: [{ hosts: ["secure-ws.test"], secretName: "secure-ws-tls" }],
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

  it("redirects an upgrade over plain HTTP to a TLS host instead of tunnelling it in clear text", async () => {
    const { head, closed } = await upgrade(harness.httpPort, "secure-ws.test", "/ws?x=1");
    assert.match(head, /^HTTP\/1\.1 308 /);
    assert.match(head, /\r\nLocation: https:\/\/secure-ws\.test\/ws\?x=1\r\n/i);
    await closed;
    assert.equal(echo.requests, 0);
  });

  it("answers a non-WebSocket upgrade (h2c) as one plain request: no tunnel, nothing smuggled after it", async () => {
    const before = echo.requests;
    const socket = net.connect(harness.httpPort, "127.0.0.1");
    socket.setTimeout(5_000, () => socket.destroy());
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    await once(socket, "connect");
    socket.write(
      "GET /public HTTP/1.1\r\nHost: ws.test\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n" +
        "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\nGET /admin HTTP/1.1\r\nHost: ws.test\r\n\r\n",
    );
    await once(socket, "close");
    assert.match(received, /^HTTP\/1\.1 200 /);
    assert.equal(received.match(/HTTP\/1\.1 \d{3} /g)?.length, 1, "one response, then the connection closes");
    const reply = JSON.parse(received.slice(received.indexOf("\r\n\r\n") + 4)) as {
      url: string;
      headers: Record<string, string>;
    };
    assert.equal(reply.url, "/public");
    assert.equal(reply.headers.upgrade, undefined, "the Upgrade header is not forwarded");
    assert.equal(echo.requests - before, 1, "the upstream never saw /admin");
  });

  it("refuses a Host header that is not host[:port], and a second Host header, with 400", async () => {
    for (const headers of ["Host: evil%2ecom/x.ws.test\r\n", "Host: ws.test\r\nHost: internal.admin\r\n"]) {
      const socket = net.connect(harness.httpPort, "127.0.0.1");
      socket.setTimeout(5_000, () => socket.destroy());
      let received = "";
      socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
      await once(socket, "connect");
      socket.write(`GET / HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`);
      await once(socket, "close");
      assert.match(received, /^HTTP\/1\.1 400 /, headers);
    }
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
