// TLS for HostRoutes: self-signed (alone or under the gateway CA), existing Secrets and cert-manager.
import assert from "node:assert/strict";
import { before, beforeEach, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { isSecret, settle, valueOf } from "../helpers/outputs";
import {
  installMocks,
  isSecretValue,
  Types,
  unwrapSecret,
  type MockState,
  type Values,
} from "../helpers/pulumi-mocks";

type Sdk = typeof import("../../sdk/index.js");
let sdk: Sdk;
let mocks: MockState;
let registry: typeof import("../../sdk/components/route-registry.js");
let tls: typeof import("../../sdk/components/tls.js");

before(async () => {
  mocks = await installMocks({ preview: false });
  sdk = await import("../../sdk/index.js");
  registry = await import("../../sdk/components/route-registry.js");
  tls = await import("../../sdk/components/tls.js");
});
beforeEach(async () => {
  await settle();
  registry.resetRouteRegistry();
  mocks.reset();
});

const paths = [{ path: "/", service: { name: "web", port: 80 } }];

test("selfSigned creates a key and a certificate whose SAN is the route's host, in a kubernetes.io/tls Secret", async () => {
  const gw = new sdk.IngressGateway("public", { controller: "nginx" });
  const route = new sdk.HostRoute("shop", {
    gateway: gw,
    host: "shop.example.com",
    paths,
    tls: { selfSigned: true },
  });
  await settle(10);
  const cert = mocks.one(Types.selfSignedCert, "shop-tls").inputs as Values;
  assert.deepEqual(cert.dnsNames, ["shop.example.com"]);
  assert.equal(cert.subject.commonName, "shop.example.com");
  assert.ok(cert.allowedUses.includes("server_auth"));
  const secret = mocks.one(Types.secret, "shop-tls").inputs as Values;
  assert.equal(secret.type, "kubernetes.io/tls");
  assert.equal(isSecretValue(secret.stringData), true, "the Secret's data reaches the engine as a secret");
  const data = unwrapSecret(secret.stringData);
  assert.match(data["tls.crt"], /BEGIN CERTIFICATE/);
  assert.match(data["tls.key"], /BEGIN PRIVATE KEY/);
  assert.ok(route.tlsSecret);
  const ingress = mocks.one(Types.ingress, "shop").inputs as Values;
  assert.deepEqual(ingress.spec.tls, [{ hosts: ["shop.example.com"], secretName: "shop-tls-abc123" }]);
});

test("the route certificate's private key is a secret output", async () => {
  const key = { privateKeyPem: pulumi.output("k"), certPem: pulumi.output("c") };
  const parent = new pulumi.ComponentResource("test:index:Parent", "p");
  const withCa = tls.createRouteCertificate("a", parent, "a.example.com", key);
  const alone = tls.createRouteCertificate("b", parent, "b.example.com", undefined);
  assert.equal(await isSecret(withCa.privateKeyPem), true);
  assert.equal(await isSecret(alone.privateKeyPem), true);
  assert.equal(await isSecret(alone.certPem), false);
});

test("the TLS Secret's data is secret in Pulumi state", async () => {
  const gw = new sdk.IngressGateway("public", { controller: "nginx" });
  const route = new sdk.HostRoute("shop", {
    gateway: gw,
    host: "shop.example.com",
    paths,
    tls: { selfSigned: true },
  });
  assert.equal(await isSecret(route.tlsSecret!.stringData), true);
});

test("with a gateway CA, every self-signed route gets a certificate signed by that one CA", async () => {
  const gw = new sdk.IngressGateway("public", { controller: "traefik", selfSignedCa: true });
  new sdk.HostRoute("shop", { gateway: gw, host: "shop.example.com", paths, tls: { selfSigned: true } });
  new sdk.HostRoute("api", { gateway: gw, host: "api.example.com", paths, tls: { selfSigned: true } });
  await settle(10);
  const ca = mocks.one(Types.selfSignedCert, "public-ca").inputs as Values;
  assert.equal(ca.isCaCertificate, true);
  assert.ok(ca.allowedUses.includes("cert_signing"));
  assert.equal(mocks.ofType(Types.selfSignedCert).length, 1, "only the CA is self-signed");
  const signed = mocks.ofType(Types.locallySignedCert);
  assert.deepEqual(signed.map((s) => s.name).sort(), ["api-tls", "shop-tls"]);
  for (const s of signed) assert.equal((s.inputs as Values).caCertPem, (await valueOf(gw.caCertificatePem))!);
  const data = unwrapSecret(mocks.one(Types.secret, "api-tls").inputs.stringData);
  assert.equal(data["tls.crt"].match(/BEGIN CERTIFICATE/g).length, 2, "leaf and CA in the chain");
});

test("a route naming its gateway by class still uses that gateway's CA", async () => {
  new sdk.IngressGateway("public", { controller: "builtin", selfSignedCa: true });
  new sdk.HostRoute("shop", {
    gateway: "public",
    host: "shop.example.com",
    paths,
    tls: { selfSigned: true },
  });
  await settle(10);
  assert.equal(mocks.ofType(Types.locallySignedCert).length, 1);
});

test("secretName points the Ingress at an existing Secret and creates none", async () => {
  const gw = new sdk.IngressGateway("public", { controller: "haproxy" });
  const route = new sdk.HostRoute("shop", {
    gateway: gw,
    host: "shop.example.com",
    paths,
    tls: { secretName: "shop-cert" },
  });
  await settle(10);
  assert.equal(route.tlsSecret, undefined);
  assert.equal(mocks.ofType(Types.secret).length, 0);
  const ingress = mocks.one(Types.ingress, "shop").inputs as Values;
  assert.deepEqual(ingress.spec.tls, [{ hosts: ["shop.example.com"], secretName: "shop-cert" }]);
});

test("clusterIssuer sets cert-manager's annotation and the Secret name cert-manager fills", async () => {
  const gw = new sdk.IngressGateway("public", { controller: "nginx" });
  new sdk.HostRoute("shop", {
    gateway: gw,
    host: "shop.example.com",
    paths,
    tls: { clusterIssuer: "letsencrypt" },
  });
  await settle(10);
  const ingress = mocks.one(Types.ingress, "shop").inputs as Values;
  assert.equal(ingress.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt");
  assert.deepEqual(ingress.spec.tls, [{ hosts: ["shop.example.com"], secretName: "shop-tls" }]);
  assert.equal(mocks.ofType(Types.privateKey).length, 0);
});

test("tls with two sources at once is refused", () => {
  const gw = new sdk.IngressGateway("public", { controller: "nginx" });
  assert.throws(
    () =>
      new sdk.HostRoute("shop", {
        gateway: gw,
        host: "shop.example.com",
        paths,
        tls: { selfSigned: true, secretName: "x" },
      }),
    (e: Error & { code?: string }) => e.code === "ERR_INVALID_TLS" && /Set exactly one of/.test(e.message),
  );
});
