import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { request, upstreamName } from "../../helpers/http-client";
import { startRawUpstream, type RawUpstream } from "../../helpers/raw-upstreams";
import { refusedPort, startUpstream, type Upstream } from "../../helpers/upstreams";

describe("upstream failures", () => {
  let harness: Harness;
  let good: Upstream;
  let garbage: RawUpstream;
  let resetter: RawUpstream;

  before(async () => {
    good = await startUpstream("good");
    garbage = await startRawUpstream((socket) => socket.end("NOT HTTP AT ALL\r\n\r\n"));
    resetter = await startRawUpstream((socket) => socket.destroy());
    const refused = await refusedPort();
    const backends = [
      serviceFor("refused", [refused]),
      serviceFor("garbage", [garbage.port]),
      serviceFor("resetter", [resetter.port]),
      serviceFor("good", [good.port]),
    ];
    const route = (host: string, svc: string) => ({ host, paths: [{ path: "/", service: svc }] });
    harness = await startHarness({
      ingressClasses: [ingressClass()],
      ingresses: [
        ingress("failing", {
          rules: [
            route("refused.test", "refused"),
            route("garbage.test", "garbage"),
            route("reset.test", "resetter"),
          ],
        }),
        ingress("slow", {
          annotations: { "ingress-kit.dev/read-timeout": "0.3" },
          rules: [route("slow.test", "good")],
        }),
        ingress("big", {
          annotations: { "ingress-kit.dev/max-body-size": "0" },
          rules: [route("big.test", "good")],
        }),
        ingress("small", {
          annotations: { "ingress-kit.dev/max-body-size": "1k" },
          rules: [route("small.test", "good")],
        }),
      ],
      services: backends.map((b) => b.service),
      endpointSlices: backends.flatMap((b) => b.slices),
    });
  });

  after(async () => {
    await harness?.close();
    await Promise.all([good?.close(), garbage?.close(), resetter?.close()]);
  });

  it("answers 502 when no endpoint accepts the connection", async () => {
    const response = await request({ port: harness.httpPort, host: "refused.test" });
    assert.equal(response.status, 502);
    assert.equal(response.body, "502 Bad Gateway: could not connect to the upstream\n");
    assert.match(String(response.headers["x-request-id"]), /^[0-9a-f-]{36}$/);
  });

  it("answers 502 when the upstream does not speak HTTP", async () => {
    const response = await request({ port: harness.httpPort, host: "garbage.test" });
    assert.equal(response.status, 502);
    assert.match(response.body, /invalid response/);
  });

  it("does not retry a POST whose body was sent when the upstream drops the connection", async () => {
    const before = resetter.connections;
    const response = await request({
      port: harness.httpPort,
      host: "reset.test",
      method: "POST",
      body: "order=1",
    });
    assert.equal(response.status, 502);
    assert.equal(resetter.connections - before, 1);
  });

  it("answers 504 when the upstream does not answer within the read timeout", async () => {
    const started = Date.now();
    const response = await request({ port: harness.httpPort, host: "slow.test", path: "/never" });
    assert.equal(response.status, 504);
    assert.equal(response.body, "504 Gateway Timeout: the upstream did not respond in time\n");
    assert.ok(Date.now() - started < 5_000);
    assert.equal((await request({ port: harness.httpPort, host: "slow.test" })).status, 200);
  });

  it("answers 413 for a body over max-body-size, declared or streamed, and passes a smaller one", async () => {
    const declared = await request({
      port: harness.httpPort,
      host: "small.test",
      path: "/body",
      method: "POST",
      body: "x".repeat(2048),
    });
    assert.equal(declared.status, 413);
    assert.match(declared.body, /request body too large/);
    const streamed = await request({
      port: harness.httpPort,
      host: "small.test",
      path: "/body",
      method: "POST",
      headers: { "transfer-encoding": "chunked" },
      body: "x".repeat(4096),
    });
    assert.equal(streamed.status, 413);
    const fine = await request({
      port: harness.httpPort,
      host: "small.test",
      path: "/body",
      method: "POST",
      body: "x".repeat(1000),
    });
    assert.equal(fine.status, 200);
    assert.deepEqual(JSON.parse(fine.body), { name: "good", bytes: 1000 });
  });

  it("counts upstream errors by kind in the metrics", async () => {
    const text = await harness.controller.metrics.registry.metrics();
    assert.match(text, /ingress_kit_upstream_errors_total\{kind="connect_refused"\} [1-9]/);
    assert.match(text, /ingress_kit_upstream_errors_total\{kind="protocol"\} [1-9]/);
    assert.match(text, /ingress_kit_upstream_errors_total\{kind="read_timeout"\} [1-9]/);
    assert.match(
      text,
      /ingress_kit_requests_total\{ingress="default\/failing",service="default\/refused:80",status_class="5xx"\} [1-9]/,
    );
    assert.equal(upstreamName(await request({ port: harness.httpPort, host: "slow.test" })), "good");
  });

  it("streams a large response and a large upload intact through the proxy", async () => {
    const size = 8 * 1024 * 1024 + 123;
    // Three at once, compared byte for byte: upstream reads share one buffer, so mixed-up chunks would show.
    const expected = "0123456789abcdef".repeat(Math.ceil(size / 16)).slice(0, size);
    const downloads = await Promise.all(
      [size, size - 77, size - 4_000].map((bytes) =>
        request({ port: harness.httpPort, host: "big.test", path: `/big?bytes=${bytes}` }),
      ),
    );
    for (const [i, download] of downloads.entries()) {
      assert.equal(download.status, 200);
      const want = expected.slice(0, [size, size - 77, size - 4_000][i]);
      assert.equal(download.body.length, want.length);
      assert.ok(download.body === want, `download ${i} differs from the upstream's bytes`);
    }
    const upload = await request({
      port: harness.httpPort,
      host: "big.test",
      path: "/body",
      method: "POST",
      body: Buffer.alloc(3 * 1024 * 1024, "x"),
    });
    assert.deepEqual(JSON.parse(upload.body), { name: "good", bytes: 3 * 1024 * 1024 });
  });
});
