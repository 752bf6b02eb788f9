// An answer of the proxy's own (404, 503, 502, a redirect) that comes before the request body was read: the rest
// of a small body is read and dropped and the connection carries the next request, as with NGINX and node:http;
// a body too large to be worth reading, or one the client holds back for a 100 Continue, closes the connection.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { startRawUpstream, type RawUpstream } from "../../helpers/raw-upstreams";
import { TestConnection } from "../../helpers/test-connection";

const post = (host: string, headers: string, body = ""): string =>
  `POST /upload HTTP/1.1\r\nHost: ${host}\r\n${headers}\r\n${body}`;
const get = (host: string, path = "/next"): string => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;

describe("the request body after an answer of the proxy's own", () => {
  let harness: Harness;
  let upstream: RawUpstream;
  const connections: TestConnection[] = [];
  const open = async (): Promise<TestConnection> => {
    const connection = await TestConnection.open(harness.httpPort);
    connections.push(connection);
    return connection;
  };
  /** "Connection: close" in a response head (which ends without its final CRLF). */
  const CLOSE = /\r\nConnection: close(\r\n|$)/i;

  before(async () => {
    upstream = await startRawUpstream((socket, chunk) => {
      // Answers every request head it sees (these tests send no bodies upstream).
      const heads = chunk.toString("latin1").split("\r\n\r\n").length - 1;
      for (let i = 0; i < heads; i++) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nupstream");
    });
    const web = serviceFor("web", [upstream.port]);
    const empty = serviceFor("empty", []);
    harness = await startHarness({
      ingressClasses: [ingressClass()],
      ingresses: [
        ingress("web", { rules: [{ host: "web.test", paths: [{ path: "/", service: "web" }] }] }),
        ingress("empty", { rules: [{ host: "empty.test", paths: [{ path: "/", service: "empty" }] }] }),
      ],
      services: [web.service, empty.service],
      endpointSlices: [...web.slices, ...empty.slices],
    });
  });

  after(async () => {
    for (const connection of connections) connection.destroy();
    await harness?.close();
    await upstream?.close();
  });

  it("drops a Content-Length body sent with the request and serves the next request on the connection", async () => {
    const connection = await open();
    connection.socket.write(post("unknown.test", "Content-Length: 11\r\n", "hello world") + get("web.test"));
    const first = await connection.readResponse();
    const second = await connection.readResponse();
    assert.match(first.head, /^HTTP\/1\.1 404 /);
    assert.doesNotMatch(first.head, CLOSE);
    assert.match(second.head, /^HTTP\/1\.1 200 /);
    assert.equal(second.body, "upstream");
    assert.equal(connection.closedWith, null);
  });

  it("waits for a body that comes after the answer, then serves the next request", async () => {
    const connection = await open();
    connection.socket.write(post("unknown.test", "Content-Length: 20000\r\n"));
    assert.match((await connection.readResponse()).head, /^HTTP\/1\.1 404 /);
    // The body arrives in pieces after the answer; the bytes after it are the next request.
    for (let i = 0; i < 4; i++) {
      connection.socket.write(Buffer.alloc(5000, 0x61));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    connection.socket.write(get("web.test"));
    assert.match((await connection.readResponse()).head, /^HTTP\/1\.1 200 /);
  });

  it("drops a chunked body after a 503 for a service without endpoints", async () => {
    const connection = await open();
    connection.socket.write(
      post("empty.test", "Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n") +
        get("web.test"),
    );
    assert.match((await connection.readResponse()).head, /^HTTP\/1\.1 503 /);
    assert.match((await connection.readResponse()).head, /^HTTP\/1\.1 200 /);
  });

  it("closes instead when the body is larger than it is worth reading", async () => {
    const connection = await open();
    connection.socket.write(post("unknown.test", `Content-Length: ${2 * 1024 * 1024}\r\n`, "x".repeat(1000)));
    const first = await connection.readResponse();
    assert.match(first.head, /^HTTP\/1\.1 404 /);
    assert.match(first.head, CLOSE);
    await connection.waitClosed(2_000);
  });

  it("closes when a chunked body grows past the limit while being dropped", async () => {
    const connection = await open();
    connection.socket.write(post("unknown.test", "Transfer-Encoding: chunked\r\n"));
    await connection.readResponse();
    const chunk = `${(64 * 1024).toString(16)}\r\n${"y".repeat(64 * 1024)}\r\n`;
    for (let i = 0; i < 20 && connection.closedWith === null; i++) connection.socket.write(chunk); // 1.25 MiB
    await connection.waitClosed(3_000);
  });

  it("closes when the client waits for 100 Continue before sending the body", async () => {
    const connection = await open();
    connection.socket.write(post("unknown.test", "Content-Length: 10\r\nExpect: 100-continue\r\n"));
    const first = await connection.readResponse();
    assert.match(first.head, /^HTTP\/1\.1 404 /);
    assert.match(first.head, CLOSE);
    await connection.waitClosed(2_000);
  });

  it(
    "closes a connection whose body stops coming, after the drain timeout",
    { timeout: 15_000 },
    async () => {
      const connection = await open();
      connection.socket.write(post("unknown.test", "Content-Length: 100\r\n", "only part"));
      await connection.readResponse();
      await assert.rejects(connection.waitClosed(1_000), /still open/);
      await connection.waitClosed(8_000);
    },
  );
});
