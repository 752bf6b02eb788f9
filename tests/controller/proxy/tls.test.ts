import assert from "node:assert/strict";
import { once } from "node:events";
import net from "node:net";
import tls from "node:tls";
import { after, before, describe, it } from "node:test";
import { FALLBACK_CERTIFICATE_NAME } from "../../../sdk/controller/proxy/fallback-certificate";
import { describeCertificate, makeCertificate } from "../../helpers/certificates";
import { ingress, ingressClass, serviceFor, tlsSecret } from "../../helpers/cluster-objects";
import { startHarness, type Harness } from "../../helpers/controller-harness";
import { request, upstreamName } from "../../helpers/http-client";
import { startUpstream, type Upstream } from "../../helpers/upstreams";

/** Completes a TLS handshake and returns the served certificate's subject and SANs. */
async function servedCertificate(port: number, servername: string | undefined) {
  const socket = tls.connect({
    host: "127.0.0.1",
    port,
    rejectUnauthorized: false,
    ...(servername ? { servername } : {}),
  });
  await once(socket, "secureConnect");
  const cert = socket.getPeerX509Certificate();
  const protocol = socket.getProtocol();
  socket.destroy();
  assert.ok(cert);
  return { ...describeCertificate(cert.raw), protocol };
}

describe("TLS termination", () => {
  let harness: Harness;
  let web: Upstream;
  let secureBackend: Upstream;

  before(async () => {
    web = await startUpstream("web");
    secureBackend = await startUpstream("secure-backend", { tls: makeCertificate("backend.internal") });
    const shop = makeCertificate("shop.example.com");
    const wildcard = makeCertificate("*.example.com");
    const backends = [serviceFor("web", [web.port]), serviceFor("secure", [secureBackend.port])];
    harness = await startHarness({
      ingressClasses: [ingressClass()],
      ingresses: [
        ingress("tls", {
          rules: [
            { host: "shop.example.com", paths: [{ path: "/", service: "web" }] },
            { host: "*.example.com", paths: [{ path: "/", service: "web" }] },
          ],
          tls: [
            { hosts: ["shop.example.com"], secretName: "shop-tls" },
            { hosts: ["*.example.com"], secretName: "wildcard-tls" },
          ],
        }),
        ingress("backend-https", {
          annotations: { "ingress-kit.dev/backend-protocol": "HTTPS" },
          rules: [{ host: "secure.test", paths: [{ path: "/", service: "secure" }] }],
        }),
        ingress("broken-secret", {
          rules: [{ host: "nosecret.test", paths: [{ path: "/", service: "web" }] }],
          tls: [{ hosts: ["nosecret.test"], secretName: "absent" }],
        }),
      ],
      services: backends.map((b) => b.service),
      endpointSlices: backends.flatMap((b) => b.slices),
      secrets: [
        tlsSecret("shop-tls", shop.cert, shop.key),
        tlsSecret("wildcard-tls", wildcard.cert, wildcard.key),
      ],
    });
  });

  after(async () => {
    await harness?.close();
    await Promise.all([web?.close(), secureBackend?.close()]);
  });

  it("serves the exact host's certificate over the wildcard's, chosen by SNI", async () => {
    const exact = await servedCertificate(harness.httpsPort, "shop.example.com");
    assert.equal(exact.subject, "CN=shop.example.com");
    assert.equal(exact.altNames, "DNS:shop.example.com");
    const wild = await servedCertificate(harness.httpsPort, "blog.example.com");
    assert.equal(wild.subject, "CN=*.example.com");
  });

  it("serves the fallback certificate for unknown names, no SNI and a missing secret", async () => {
    for (const name of ["unknown.test", undefined, "nosecret.test"]) {
      const served = await servedCertificate(harness.httpsPort, name);
      assert.equal(served.subject, `O=ingress-kit\nCN=${FALLBACK_CERTIFICATE_NAME}`, String(name));
    }
    assert.ok(
      harness.source.reported
        .at(-1)
        ?.some((u) => u.name === "broken-secret" && u.code === "ERR_TLS_SECRET_NOT_FOUND"),
    );
    const logged = harness.logs.find((l) => l["code"] === "ERR_TLS_SECRET_NOT_FOUND");
    assert.equal(logged?.["ingress"], "default/broken-secret");
    assert.match(String(logged?.["reason"]), /TLS secret "default\/absent" not found/);
  });

  it("negotiates TLS 1.3 and refuses TLS 1.1", async () => {
    assert.equal((await servedCertificate(harness.httpsPort, "shop.example.com")).protocol, "TLSv1.3");
    const old = tls.connect({
      host: "127.0.0.1",
      port: harness.httpsPort,
      servername: "shop.example.com",
      rejectUnauthorized: false,
      minVersion: "TLSv1",
      maxVersion: "TLSv1.1",
      ciphers: "DEFAULT:@SECLEVEL=0",
    });
    const [error] = (await once(old, "error")) as [NodeJS.ErrnoException];
    assert.match(String(error.code ?? error.message), /ERR_SSL|alert|version/i);
  });

  it("routes HTTPS requests and tells the upstream the scheme", async () => {
    const response = await request({ port: harness.httpsPort, host: "shop.example.com", tls: {} });
    assert.equal(response.status, 200);
    const reply = JSON.parse(response.body) as { name: string; headers: Record<string, string> };
    assert.equal(reply.name, "web");
    assert.equal(reply.headers["x-forwarded-proto"], "https");
  });

  it("speaks HTTPS to a backend with backend-protocol HTTPS", async () => {
    const response = await request({ port: harness.httpPort, host: "secure.test" });
    assert.equal(response.status, 200);
    assert.equal(upstreamName(response), "secure-backend");
  });

  it("survives clients that send garbage instead of a TLS handshake, and keeps serving", async () => {
    for (let i = 0; i < 3; i++) {
      const socket = net.connect(harness.httpsPort, "127.0.0.1");
      await once(socket, "connect");
      socket.write("GET / HTTP/1.1\r\nHost: shop.example.com\r\n\r\n");
      socket.resume();
      socket.on("error", () => undefined);
      await once(socket, "close");
    }
    const half = net.connect(harness.httpsPort, "127.0.0.1");
    await once(half, "connect");
    half.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])); // a ClientHello header with no body
    half.destroy();
    const response = await request({ port: harness.httpsPort, host: "shop.example.com", tls: {} });
    assert.equal(response.status, 200);
  });

  it("closes at once a connection whose client leaves mid-handshake, not at the handshake timeout", async () => {
    // A half-open socket waiting for the rest of a handshake would live for the handshake timeout (10 s) and
    // hold up a graceful shutdown for as long.
    const client = net.connect({ port: harness.httpsPort, host: "127.0.0.1", allowHalfOpen: true });
    await once(client, "connect");
    client.on("error", () => undefined);
    client.resume();
    client.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])); // a ClientHello header with no body
    client.end(); // our FIN; the socket stays open to see whether the server closes its side
    const closedByServer = await Promise.race([
      once(client, "end").then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3_000)),
    ]);
    client.destroy();
    assert.equal(closedByServer, true, "the server kept the abandoned handshake open");
  });

  it("redirects plain HTTP to HTTPS with 308 for hosts with TLS, keeping path and query", async () => {
    const response = await request({ port: harness.httpPort, host: "shop.example.com", path: "/cart?id=7" });
    assert.equal(response.status, 308);
    assert.equal(response.headers.location, "https://shop.example.com/cart?id=7");
    const withPort = await request({
      port: harness.httpPort,
      host: `shop.example.com:${harness.httpPort}`,
      path: "/",
    });
    assert.equal(withPort.headers.location, `https://shop.example.com:${harness.httpsPort}/`);
    const port80 = await request({ port: harness.httpPort, host: "shop.example.com:80", path: "/a" });
    assert.equal(
      port80.headers.location,
      "https://shop.example.com/a",
      "port 80 means the standard HTTPS port",
    );
  });

  it("builds the redirect from the normalised path of an absolute-form target", async () => {
    const raw = await rawExchange(
      harness.httpPort,
      "GET http://shop.example.com/p/../cart?q=1 HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n",
    );
    assert.match(raw, /^HTTP\/1\.1 308 /);
    assert.match(raw, /\r\nlocation: https:\/\/shop\.example\.com\/cart\?q=1\r\n/i);
  });

  it("does not redirect when ssl-redirect is false", async () => {
    const current = harness.source.current();
    const noRedirect = ingress("tls", {
      annotations: { "ingress-kit.dev/ssl-redirect": "false" },
      rules: [{ host: "shop.example.com", paths: [{ path: "/", service: "web" }] }],
      tls: [{ hosts: ["shop.example.com"], secretName: "shop-tls" }],
    });
    await harness.apply({
      ingresses: [noRedirect, ...current.ingresses.filter((i) => i.metadata?.name !== "tls")],
    });
    try {
      const response = await request({ port: harness.httpPort, host: "shop.example.com" });
      assert.equal(response.status, 200);
      assert.equal(upstreamName(response), "web");
    } finally {
      await harness.apply({ ingresses: current.ingresses });
    }
  });
});

/** Writes raw bytes to the controller and returns everything it answers until it closes the connection. */
async function rawExchange(port: number, text: string): Promise<string> {
  const socket = net.connect(port, "127.0.0.1");
  socket.setTimeout(5_000, () => socket.destroy());
  let received = "";
  socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
  socket.write(text);
  await once(socket, "close");
  return received;
}
