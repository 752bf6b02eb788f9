// HTTP/1.1 framing through the proxy, on raw sockets at both ends so every byte is visible: pipelining, chunked
// request bodies, chunked and close-delimited responses to HTTP/1.1 and HTTP/1.0 clients, HEAD/204/304 without
// bodies, upstream keep-alive reuse and a stale upstream connection replayed (Expect: 100-continue, on both engines,
// in expect-continue.test.ts).
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { rawExchange } from "../../helpers/raw-client";
import { startRawUpstream, type RawUpstream } from "../../helpers/raw-upstreams";

/** An upstream that answers each request from `answer(head, body)`, reading Content-Length and chunked bodies. */
async function startScriptedUpstream(
  answer: (head: string, body: Buffer) => string | Buffer,
  seen: { head: string; body: Buffer }[],
): Promise<RawUpstream> {
  const buffers = new WeakMap<net.Socket, Buffer>();
  return startRawUpstream((socket, chunk) => {
    let buf = Buffer.concat([buffers.get(socket) ?? Buffer.alloc(0), chunk]);
    for (;;) {
      const end = buf.indexOf("\r\n\r\n");
      if (end === -1) break;
      const head = buf.subarray(0, end).toString("latin1");
      let rest = buf.subarray(end + 4);
      let body: Buffer;
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
        const parts: Buffer[] = [];
        let at = 0;
        let complete = false;
        for (;;) {
          const line = rest.indexOf("\r\n", at);
          if (line === -1) break;
          const size = parseInt(rest.subarray(at, line).toString(), 16);
          if (rest.length < line + 2 + size + 2) break;
          if (size === 0) {
            at = line + 4;
            complete = true;
            break;
          }
          parts.push(rest.subarray(line + 2, line + 2 + size));
          at = line + 2 + size + 2;
        }
        if (!complete) break;
        body = Buffer.concat(parts);
        rest = rest.subarray(at);
      } else if (length) {
        const n = Number(length[1]);
        if (rest.length < n) break;
        body = rest.subarray(0, n);
        rest = rest.subarray(n);
      } else {
        body = Buffer.alloc(0);
      }
      seen.push({ head, body });
      const reply = answer(head, body);
      // A response that says Connection: close is delimited by the close.
      if (/\r\nConnection: close\r\n/i.test(reply.toString("latin1"))) socket.end(reply);
      else socket.write(reply);
      buf = rest;
    }
    buffers.set(socket, buf);
  });
}

function pathOf(head: string): string {
  return head.split(" ")[1] ?? "";
}

function responses(raw: string): string[] {
  return raw.split(/(?=HTTP\/1\.1 \d{3} )/).filter((part) => part !== "");
}

describe("HTTP/1.1 framing through the proxy", () => {
  let harness: Harness;
  let upstream: RawUpstream;
  const seen: { head: string; body: Buffer }[] = [];

  before(async () => {
    upstream = await startScriptedUpstream((head, body) => {
      const path = pathOf(head);
      if (path === "/chunked") {
        return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
      }
      if (path === "/no-content") return "HTTP/1.1 204 No Content\r\n\r\n";
      if (path === "/not-modified") return 'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n';
      if (path === "/bad-framing") {
        return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nok";
      }
      if (path === "/close-delimited") return "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil-close";
      const text = `${head.split(" ")[0]} ${path} ${body.length} ${body.toString()}`;
      return `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(text)}\r\nX-Hop: a\r\nConnection: X-Hop\r\n\r\n${text}`;
    }, seen);
    const backend = serviceFor("web", [upstream.port]);
    harness = await startHarness({
      ingressClasses: [ingressClass()],
      ingresses: [
        ingress("web", {
          rules: [{ host: "web.test", paths: [{ path: "/", service: "web" }] }],
          annotations: { "ingress-kit.dev/max-body-size": "1k" },
        }),
      ],
      services: [backend.service],
      endpointSlices: backend.slices,
    });
  });

  after(async () => {
    await harness?.close();
    await upstream?.close();
  });

  it("answers pipelined requests in order on one connection", async () => {
    const answer = await rawExchange(
      harness.httpPort,
      "GET /one HTTP/1.1\r\nHost: web.test\r\n\r\nGET /two HTTP/1.1\r\nHost: web.test\r\n\r\n" +
        "GET /three HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n",
    );
    const parts = responses(answer);
    assert.equal(parts.length, 3);
    assert.match(parts[0]!, /GET \/one 0 $/);
    assert.match(parts[1]!, /GET \/two 0 $/);
    assert.match(parts[2]!, /Connection: close\r\n/);
    assert.match(parts[2]!, /GET \/three 0 $/);
  });

  it("forwards a chunked request body re-framed, and drops hop-by-hop response headers", async () => {
    const answer = await rawExchange(
      harness.httpPort,
      "POST /upload HTTP/1.1\r\nHost: web.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
        "3;ext=1\r\nabc\r\n4\r\ndefg\r\n0\r\nX-Trailer: t\r\n\r\n",
    );
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /POST \/upload 7 abcdefg$/);
    assert.doesNotMatch(answer, /X-Hop/i);
    const forwarded = seen.find((s) => pathOf(s.head) === "/upload")!;
    assert.match(forwarded.head, /\r\nTransfer-Encoding: chunked/);
    assert.doesNotMatch(forwarded.head, /ext=1|X-Trailer/);
  });

  it("re-chunks a chunked response for HTTP/1.1 and closes after it for HTTP/1.0", async () => {
    const v11 = await rawExchange(
      harness.httpPort,
      "GET /chunked HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n",
    );
    assert.match(v11, /Transfer-Encoding: chunked\r\n/);
    assert.match(v11, /\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n$/);
    const v10 = await rawExchange(harness.httpPort, "GET /chunked HTTP/1.0\r\nHost: web.test\r\n\r\n");
    assert.doesNotMatch(v10, /Transfer-Encoding/i);
    assert.match(v10, /Connection: close\r\n/);
    assert.match(v10, /\r\n\r\nhello world$/);
  });

  it("relays a close-delimited response with chunked framing", async () => {
    const answer = await rawExchange(
      harness.httpPort,
      "GET /close-delimited HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n",
    );
    assert.match(answer, /Transfer-Encoding: chunked\r\n/);
    assert.match(answer, /\r\n\r\nb\r\nuntil-close\r\n0\r\n\r\n$/);
  });

  it("sends no body for HEAD, 204 and 304, and keeps the connection", async () => {
    const answer = await rawExchange(
      harness.httpPort,
      "HEAD /head HTTP/1.1\r\nHost: web.test\r\n\r\nGET /no-content HTTP/1.1\r\nHost: web.test\r\n\r\n" +
        "GET /not-modified HTTP/1.1\r\nHost: web.test\r\n\r\nGET /last HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n",
    );
    const parts = responses(answer);
    assert.deepEqual(
      parts.map((part) => part.slice(0, 12)),
      ["HTTP/1.1 200", "HTTP/1.1 204", "HTTP/1.1 304", "HTTP/1.1 200"],
    );
    assert.match(parts[0]!, /Content-Length: \d+\r\n/);
    assert.match(parts[0]!, /\r\n\r\n$/);
    assert.match(parts[3]!, /GET \/last 0 $/);
  });

  it("answers 502 when the upstream's framing is ambiguous", async () => {
    const answer = await rawExchange(
      harness.httpPort,
      "GET /bad-framing HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n",
    );
    assert.match(answer, /^HTTP\/1\.1 502 /);
  });

  it("answers 413 and closes when a chunked body grows past max-body-size", async () => {
    const chunk = "x".repeat(600);
    const answer = await rawExchange(
      harness.httpPort,
      "POST /upload HTTP/1.1\r\nHost: web.test\r\nTransfer-Encoding: chunked\r\n\r\n" +
        `258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`,
    );
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /Connection: close\r\n/);
  });

  it("reuses upstream connections across requests", async () => {
    const before = upstream.connections;
    for (let i = 0; i < 5; i++) {
      const answer = await rawExchange(
        harness.httpPort,
        `GET /reuse-${i} HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n`,
      );
      assert.match(answer, /^HTTP\/1\.1 200 /);
    }
    assert.ok(
      upstream.connections - before <= 1,
      `${upstream.connections - before} new upstream connections`,
    );
  });
});

describe("a stale upstream keep-alive connection", () => {
  it("is replayed on a fresh connection for an idempotent request", async () => {
    let requests = 0;
    // Answers the first request on each connection, then closes the connection when the next request arrives
    // without answering: what an upstream whose idle timeout just fired looks like to the proxy.
    const perSocket = new WeakMap<net.Socket, number>();
    const upstream = await startRawUpstream((socket) => {
      const count = (perSocket.get(socket) ?? 0) + 1;
      perSocket.set(socket, count);
      if (count > 1) {
        socket.destroy();
        return;
      }
      requests++;
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    const backend = serviceFor("web", [upstream.port]);
    const harness = await startHarness({
      ingressClasses: [ingressClass()],
      ingresses: [ingress("web", { rules: [{ host: "web.test", paths: [{ path: "/", service: "web" }] }] })],
      services: [backend.service],
      endpointSlices: backend.slices,
    });
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await rawExchange(
          harness.httpPort,
          "GET / HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n",
        );
        assert.match(answer, /^HTTP\/1\.1 200 /, `request ${i}: ${answer}`);
      }
      assert.equal(requests, 3);
      assert.equal(upstream.connections, 3);
    } finally {
      await harness.close();
      await upstream.close();
    }
  });
});
