// An answer of the proxy's own (404, 503, 502, a redirect) that comes before the request body was read: the rest
// of a small body is read and dropped and the connection carries the next request, as with NGINX and node:http;
// a body too large to be worth reading, or one the client holds back for a 100 Continue, closes the connection.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { startRawUpstream, type RawUpstream } from "../../helpers/raw-upstreams";

/** One client connection that writes when told and collects what the proxy answers. */
class RawConnection {
  private readonly socket: net.Socket;
  private received = "";
  closed = false;
  private readonly waiters = new Set<() => void>();

  constructor(port: number) {
    this.socket = net.connect(port, "127.0.0.1");
    this.socket.on("data", (chunk: Buffer) => {
      this.received += chunk.toString("latin1");
      this.wake();
    });
    this.socket.on("error", () => undefined);
    this.socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Waits until `count` responses (status lines) have arrived, or the connection closed; returns them. */
  async responses(count: number, timeoutMs = 5_000): Promise<string[]> {
    const parts = (): string[] => this.received.split(/(?=HTTP\/1\.1 \d{3} )/).filter((p) => p !== "");
    const deadline = Date.now() + timeoutMs;
    while (parts().length < count && !this.closed) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${count} responses: ${this.received}`);
      await new Promise<void>((resolve) => {
        const waiter = (): void => {
          this.waiters.delete(waiter);
          resolve();
        };
        this.waiters.add(waiter);
        setTimeout(waiter, 50);
      });
    }
    return parts();
  }

  /** Waits for the proxy to close the connection. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const post = (host: string, headers: string, body = ""): string =>
  `POST /upload HTTP/1.1\r\nHost: ${host}\r\n${headers}\r\n${body}`;
const get = (host: string, path = "/next"): string => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;

describe("the request body after an answer of the proxy's own", () => {
  let harness: Harness;
  let upstream: RawUpstream;
  const connections: RawConnection[] = [];
  const open = (): RawConnection => {
    const connection = new RawConnection(harness.httpPort);
    connections.push(connection);
    return connection;
  };

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
    const connection = open();
    connection.write(post("unknown.test", "Content-Length: 11\r\n", "hello world") + get("web.test"));
    const [first, second] = await connection.responses(2);
    assert.match(first!, /^HTTP\/1\.1 404 /);
    assert.doesNotMatch(first!, /\r\nConnection: close\r\n/i);
    assert.match(second ?? "", /^HTTP\/1\.1 200 [\s\S]*upstream$/);
    assert.equal(connection.closed, false);
  });

  it("waits for a body that comes after the answer, then serves the next request", async () => {
    const connection = open();
    connection.write(post("unknown.test", "Content-Length: 20000\r\n"));
    const [first] = await connection.responses(1);
    assert.match(first!, /^HTTP\/1\.1 404 /);
    // The body arrives in pieces after the answer; the bytes after it are the next request.
    for (let i = 0; i < 4; i++) {
      connection.write(Buffer.alloc(5000, 0x61));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    connection.write(get("web.test"));
    const parts = await connection.responses(2);
    assert.match(parts[1] ?? "", /^HTTP\/1\.1 200 /);
  });

  it("drops a chunked body after a 503 for a service without endpoints", async () => {
    const connection = open();
    connection.write(
      post("empty.test", "Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n") +
        get("web.test"),
    );
    const [first, second] = await connection.responses(2);
    assert.match(first!, /^HTTP\/1\.1 503 /);
    assert.match(second ?? "", /^HTTP\/1\.1 200 /);
  });

  it("closes instead when the body is larger than it is worth reading", async () => {
    const connection = open();
    connection.write(post("unknown.test", `Content-Length: ${2 * 1024 * 1024}\r\n`, "x".repeat(1000)));
    const [first] = await connection.responses(1);
    assert.match(first!, /^HTTP\/1\.1 404 [\s\S]*\r\nConnection: close\r\n/i);
    assert.equal(await connection.closedWithin(2_000), true);
  });

  it("closes when a chunked body grows past the limit while being dropped", async () => {
    const connection = open();
    connection.write(post("unknown.test", "Transfer-Encoding: chunked\r\n"));
    await connection.responses(1);
    const chunk = `${(64 * 1024).toString(16)}\r\n${"y".repeat(64 * 1024)}\r\n`;
    for (let i = 0; i < 20 && !connection.closed; i++) connection.write(chunk); // 1.25 MiB
    assert.equal(await connection.closedWithin(3_000), true);
  });

  it("closes when the client waits for 100 Continue before sending the body", async () => {
    const connection = open();
    connection.write(post("unknown.test", "Content-Length: 10\r\nExpect: 100-continue\r\n"));
    const [first] = await connection.responses(1);
    assert.match(first!, /^HTTP\/1\.1 404 [\s\S]*\r\nConnection: close\r\n/i);
    assert.equal(await connection.closedWithin(2_000), true);
  });

  it(
    "closes a connection whose body stops coming, after the drain timeout",
    { timeout: 15_000 },
    async () => {
      const connection = open();
      connection.write(post("unknown.test", "Content-Length: 100\r\n", "only part"));
      await connection.responses(1);
      assert.equal(await connection.closedWithin(1_000), false);
      assert.equal(await connection.closedWithin(8_000), true);
    },
  );
});
