// Every example program runs under Pulumi mocks and declares what its README says.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, beforeEach, test } from "node:test";
import { settle, valueOf } from "../helpers/outputs";
import { installMocks, Types, type MockState, type Values } from "../helpers/pulumi-mocks";

let mocks: MockState;
let registry: typeof import("../../sdk/components/route-registry.js");
const examplesDir = join(__dirname, "..", "..", "examples");

before(async () => {
  mocks = await installMocks({ preview: true });
  registry = await import("../../sdk/components/route-registry.js");
});
beforeEach(async () => {
  await settle();
  registry.resetRouteRegistry();
  mocks.reset();
});

async function run(example: string): Promise<Record<string, unknown>> {
  const exports = (await import(`../../examples/${example}/index.js`)) as Record<string, unknown>;
  await settle(20);
  return exports;
}

function ingressesByName(): Map<string, Values> {
  return new Map(mocks.ofType(Types.ingress).map((r) => [r.name, r.inputs]));
}

test("every example folder has index.ts, Pulumi.yaml and README.md, and the numbered index lists it", () => {
  const folders = readdirSync(examplesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== "node_modules")
    .map((d) => d.name);
  assert.ok(folders.length >= 3);
  const index = readFileSync(join(examplesDir, "README.md"), "utf8");
  folders.forEach((folder) => {
    for (const file of ["index.ts", "Pulumi.yaml", "README.md"]) {
      assert.ok(readdirSync(join(examplesDir, folder)).includes(file), `${folder}/${file}`);
    }
    assert.ok(index.includes(`(${folder}/)`), `examples/README.md lists ${folder}`);
  });
  assert.match(
    readFileSync(join(examplesDir, "..", "Pulumi.yaml"), "utf8"),
    /main: examples\/01-two-services\/index\.ts/,
  );
});

test("01-two-services routes api.example.com and www.example.com over TLS through one NGINX gateway", async () => {
  const exports = await run("01-two-services");
  assert.equal(mocks.one(Types.chartV4, "public-controller").inputs.chart, "nginx-ingress");
  const ingresses = ingressesByName();
  assert.deepEqual([...ingresses.keys()].sort(), ["api", "www"]);
  assert.equal(ingresses.get("api")!.spec.rules[0].host, "api.example.com");
  assert.equal(ingresses.get("www")!.spec.rules[0].host, "www.example.com");
  assert.deepEqual(ingresses.get("api")!.spec.tls, [
    { hosts: ["api.example.com"], secretName: "api-example-com-tls" },
  ]);
  assert.equal(ingresses.get("api")!.spec.rules[0].http.paths[0].backend.service.name, "api");
  assert.equal(await valueOf(exports.ingressClassName as string), "public");
});

test("02-tls-gateway-ca signs both routes' certificates with the one gateway CA", async () => {
  const exports = await run("02-tls-gateway-ca");
  assert.equal(mocks.ofType(Types.selfSignedCert).length, 1);
  assert.deepEqual(
    mocks
      .ofType(Types.locallySignedCert)
      .map((r) => r.name)
      .sort(),
    ["admin-tls", "shop-tls"],
  );
  assert.equal(mocks.ofType(Types.secret).length, 2);
  assert.match((await valueOf(exports.caCertificate as string)) ?? "", /BEGIN CERTIFICATE/);
  for (const ingress of ingressesByName().values()) {
    assert.equal(ingress.metadata.annotations["pulumi.com/skipAwait"], "true");
  }
});

test("03-two-controllers puts the same host and path on Traefik and on the builtin controller without conflict", async () => {
  const exports = await run("03-two-controllers");
  const ingresses = ingressesByName();
  assert.equal(ingresses.get("shop-public")!.spec.ingressClassName, "public");
  assert.equal(ingresses.get("shop-internal")!.spec.ingressClassName, "internal");
  assert.equal(
    ingresses.get("shop-public")!.metadata.annotations["cert-manager.io/cluster-issuer"],
    "letsencrypt",
  );
  assert.equal(mocks.ofType(Types.middleware).length, 1, "the public route's HTTPS redirect");
  assert.equal(await valueOf(exports.internalService as string), "internal-controller");
});
