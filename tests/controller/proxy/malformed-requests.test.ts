import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { request, upstreamName } from "../../helpers/http-client";
import { rawExchange, statusOf } from "../../helpers/raw-client";
import { startUpstream, type Upstream } from "../../helpers/upstreams";

describe("malformed requests", () => {
  let harness: Harness;
  let web: Upstream;

  before(async () => {
    web = await startUpstream("web");
    const backend = serviceFor("web", [web.port]);
    harness = await startHarness(
      {
        ingressClasses: [ingressClass()],
        ingresses: [
          ingress("web", { rules: [{ host: "web.test", paths: [{ path: "/", service: "web" }] }] }),
        ],
        services: [backend.service],
        endpointSlices: backend.slices,
      },
      {
        limits: {
          headersTimeoutMs: 300,
          requestTimeoutMs: 1_000,
          connectionsCheckingIntervalMs: 100,
          maxHeaderSize: 8 * 1024,
        },
      },
    );
  });

  after(async () => {
    await harness?.close();
    await web?.close();
  });

  const cases: [string, string, number][] = [
    ["a bad request line", "GET /x HTTP/1.1 extra\r\nHost: web.test\r\n\r\n", 400],
    ["a request line that is not HTTP", "HELLO\r\n\r\n", 400],
    [
      "Content-Length together with Transfer-Encoding",
      "POST / HTTP/1.1\r\nHost: web.test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      400,
    ],
    [
      "two different Content-Length values",
      "POST / HTTP/1.1\r\nHost: web.test\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      400,
    ],
    ["a header without a colon", "GET / HTTP/1.1\r\nHost: web.test\r\nBroken header\r\n\r\n", 400],
    ["obsolete line folding", "GET / HTTP/1.1\r\nHost: web.test\r\nX-A: 1\r\n  folded\r\n\r\n", 400],
    ["an HTTP/1.1 request without Host", "GET / HTTP/1.1\r\n\r\n", 400],
    ["oversized headers", `GET / HTTP/1.1\r\nHost: web.test\r\nX-Big: ${"a".repeat(10_000)}\r\n\r\n`, 431],
  ];

  for (const [name, raw, status] of cases) {
    it(`answers ${status} to ${name} and never reaches the upstream`, async () => {
      const before = web.requests;
      const answer = await rawExchange(harness.httpPort, raw);
      assert.equal(statusOf(answer), status, answer);
      assert.equal(web.requests, before);
    });
  }

  it("answers 408 and closes when the request head arrives too slowly", async () => {
    const started = Date.now();
    const answer = await rawExchange(harness.httpPort, "GET / HTTP/1.1\r\nHost: web.test\r\n");
    assert.equal(statusOf(answer), 408, answer);
    assert.ok(Date.now() - started < 3_000);
  });

  it("keeps serving well-formed requests after all of the above", async () => {
    const response = await request({ port: harness.httpPort, host: "web.test" });
    assert.equal(response.status, 200);
    assert.equal(upstreamName(response), "web");
  });
});
