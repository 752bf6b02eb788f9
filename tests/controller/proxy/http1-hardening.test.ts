// Regressions found in review of the fast HTTP/1.1 engine, each on raw sockets: a Connection header naming
// Content-Length (both ways), a client that never reads its pipelined responses, a closing connection fed more
// bytes, a replayed request's send-timeout timer, the keep-alive and request timeouts.
import assert from "node:assert/strict";
import { once } from "node:events";
import net from "node:net";
import { describe, it } from "node:test";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import type { ControllerOptions } from "../../../sdk/controller/controller";
import { rawExchange } from "../../helpers/raw-client";
import { startRawUpstream, type RawUpstream } from "../../helpers/raw-upstreams";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One upstream answering each complete request (Content-Length bodies) with `answer(head)`. */
async function withProxy(
  answer: (head: string, socket: net.Socket, requestOnSocket: number) => string | null,
  run: (harness: Harness, seen: string[], upstream: RawUpstream) => Promise<void>,
  options: {
    annotations?: Record<string, string>;
    controller?: Partial<ControllerOptions>;
    /** Answer as soon as a head arrives, without waiting for its body. */
    early?: boolean;
    /** Close the connection when this head arrives (the body not yet read): a stale keep-alive connection. */
    closeOnHead?: (head: string, requestOnSocket: number) => boolean;
  } = {},
): Promise<void> {
  const seen: string[] = [];
  const state = new WeakMap<net.Socket, { buf: string; n: number }>();
  const upstream = await startRawUpstream((socket, chunk) => {
    const s = state.get(socket) ?? { buf: "", n: 0 };
    state.set(socket, s);
    s.buf += chunk.toString("latin1");
    for (;;) {
      const end = s.buf.indexOf("\r\n\r\n");
      if (end === -1) return;
      const head = s.buf.slice(0, end);
      if (options.closeOnHead?.(head, s.n + 1)) {
        socket.destroy();
        return;
      }
      const length = options.early ? 0 : Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (s.buf.length < end + 4 + length) return;
      seen.push(s.buf.slice(0, end + 4 + length));
      s.buf = s.buf.slice(end + 4 + length);
      s.n++;
      const reply = answer(head, socket, s.n);
      if (reply !== null) socket.write(reply);
    }
  });
  const backend = serviceFor("web", [upstream.port]);
  const harness = await startHarness(
    {
      ingressClasses: [ingressClass()],
      ingresses: [
        ingress("web", {
          rules: [{ host: "web.test", paths: [{ path: "/", service: "web" }] }],
          ...(options.annotations ? { annotations: options.annotations } : {}),
        }),
      ],
      services: [backend.service],
      endpointSlices: backend.slices,
    },
    options.controller,
  );
  try {
    await run(harness, seen, upstream);
  } finally {
    await harness.close();
    await upstream.close();
  }
}

const ok = (body: string): string => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true });
  await once(socket, "connect");
  return socket;
}

describe("HTTP/1.1 hardening", () => {
  it("forwards a body whose length the client named in Connection as one request, never two", async () => {
    await withProxy(
      (head) => ok(head.split(" ")[1]!),
      async (harness, seen) => {
        const smuggled = "GET /admin HTTP/1.1\r\nHost: web.test\r\n\r\n";
        const answer = await rawExchange(
          harness.httpPort,
          "POST /public HTTP/1.1\r\nHost: web.test\r\nConnection: content-length, close\r\n" +
            `Content-Length: ${smuggled.length}\r\n\r\n${smuggled}`,
        );
        assert.match(answer, /^HTTP\/1\.1 200 /);
        assert.equal(seen.length, 1, seen.join("\n---\n"));
        assert.match(seen[0]!, /^POST \/public /);
        assert.match(seen[0]!, new RegExp(`\\r\\nContent-Length: ${smuggled.length}\\r\\n`));
        assert.ok(seen[0]!.endsWith(smuggled));
      },
    );
  });

  it("keeps a response's Content-Length when the upstream names it in Connection", async () => {
    await withProxy(
      (head) =>
        head.startsWith("GET /hop")
          ? "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: Content-Length, X-Request-Id\r\nX-Request-Id: up\r\n\r\nhello"
          : ok("next"),
      async (harness) => {
        const answer = await rawExchange(
          harness.httpPort,
          "GET /hop HTTP/1.1\r\nHost: web.test\r\n\r\nGET /next HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n",
        );
        const [first, second] = answer.split(/(?=HTTP\/1\.1 200 )/);
        assert.match(first!, /\r\nContent-Length: 5\r\n/);
        assert.match(first!, /\r\n\r\nhello$/);
        // The upstream's X-Request-Id was hop-by-hop: the proxy's own id is echoed instead.
        assert.match(first!, /\r\nX-Request-Id: [0-9a-f-]{36}\r\n/);
        assert.match(second!, /\r\n\r\nnext$/);
      },
    );
  });

  it("stops reading pipelined requests while the client does not read its responses", async () => {
    const body = "x".repeat(16 * 1024);
    await withProxy(
      () => ok(body),
      async (harness, seen) => {
        const socket = await connect(harness.httpPort);
        socket.pause();
        const requests = 3_000;
        socket.write("GET /a HTTP/1.1\r\nHost: web.test\r\n\r\n".repeat(requests));
        await sleep(2_000);
        // Without backpressure all 3,000 (47 MiB of responses) are forwarded and buffered by then; with it, about
        // what the kernel's socket buffers hold.
        assert.ok(
          seen.length < requests / 2,
          `${seen.length} of ${requests} forwarded while the client read nothing`,
        );
        let received = 0;
        socket.on("data", (chunk: Buffer) => (received += chunk.length));
        socket.resume();
        const deadline = Date.now() + 30_000;
        // Received bytes include the heads: wait for every request to be forwarded as well.
        while ((seen.length < requests || received < requests * body.length) && Date.now() < deadline) {
          await sleep(50);
        }
        assert.equal(seen.length, requests);
        assert.ok(received > requests * body.length);
        socket.destroy();
      },
    );
  });

  it("closes a connection after an error answer even when the client keeps its side open and sends more", async () => {
    await withProxy(
      () => ok("never"),
      async (harness) => {
        const socket = await connect(harness.httpPort);
        let answer = "";
        socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
        socket.on("error", () => undefined);
        const closed = new Promise((resolve) => socket.once("close", resolve));
        socket.write("GET / HTTP/1.1\r\nHost: web.test\r\nBad Header: x\r\n\r\n");
        const junk = setInterval(() => socket.write("y".repeat(64 * 1024)), 20);
        const timeout = sleep(3_000).then(() => "still open");
        const result = await Promise.race([closed.then(() => "closed"), timeout]);
        clearInterval(junk);
        socket.destroy();
        assert.equal(result, "closed");
        assert.match(answer, /^HTTP\/1\.1 400 /);
      },
    );
  });

  it("does not let a replayed request's send-timeout close the connection later", async () => {
    await withProxy(
      (head) => ok(head.split(" ")[1]!),
      async (harness) => {
        assert.match(
          await rawExchange(
            harness.httpPort,
            "GET /warm HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n",
          ),
          /200 OK/,
        );
        const socket = await connect(harness.httpPort);
        let answer = "";
        socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
        socket.write("PUT /put HTTP/1.1\r\nHost: web.test\r\nContent-Length: 5\r\n\r\n");
        await sleep(200);
        socket.write("hello");
        await sleep(300);
        socket.write("GET /later HTTP/1.1\r\nHost: web.test\r\n\r\n");
        // The send-timeout (1 s) of the first attempt would have fired at about 1 s.
        await sleep(1_200);
        assert.match(answer, /\r\n\r\n\/put/);
        assert.match(answer, /\r\n\r\n\/later$/);
        assert.equal(socket.destroyed, false);
        socket.write("GET /last HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n");
        await once(socket, "end"); // the proxy closed its side
        assert.match(answer, /\r\n\r\n\/last$/);
      },
      {
        annotations: { "ingress-kit.dev/send-timeout": "1" },
        // The warm connection closes when its second request's head arrives: a stale keep-alive connection.
        closeOnHead: (head, n) => n === 2 && head.startsWith("PUT"),
      },
    );
  });

  it("keeps an idle connection for the keep-alive timeout, not the head timeout", async () => {
    await withProxy(
      () => ok("ok"),
      async (harness) => {
        const socket = await connect(harness.httpPort);
        socket.write("GET / HTTP/1.1\r\nHost: web.test\r\n\r\n");
        await once(socket, "data");
        const answered = Date.now();
        await once(socket, "end"); // the proxy closed its side
        const idleMs = Date.now() - answered;
        assert.ok(idleMs >= 1_400, `closed after ${idleMs} ms`);
      },
      {
        controller: {
          limits: { headersTimeoutMs: 300, keepAliveTimeoutMs: 1_500, connectionsCheckingIntervalMs: 50 },
        },
      },
    );
  });

  it("closes instead of writing a 408 into a response already on its way", async () => {
    await withProxy(
      // Answers before the body is complete, and never finishes the chunked response.
      () => "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n",
      async (harness) => {
        const socket = await connect(harness.httpPort);
        let answer = "";
        socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
        socket.write("POST /up HTTP/1.1\r\nHost: web.test\r\nContent-Length: 100\r\n\r\n0123456789");
        await once(socket, "end"); // the proxy closed its side
        assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/);
        assert.match(answer, /\r\n5\r\nfirst\r\n$/);
        assert.doesNotMatch(answer, /408/);
      },
      { early: true, controller: { limits: { requestTimeoutMs: 500, connectionsCheckingIntervalMs: 50 } } },
    );
  });
});
