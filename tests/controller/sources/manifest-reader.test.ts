import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { readManifests, type ManifestReadResult } from "../../../sdk/controller/sources/manifest-reader";

const fixture = readFileSync(join(__dirname, "../../fixtures/sources-manifests.yaml"), "utf8");

function ok(result: ManifestReadResult) {
  assert.ok(result.ok, result.ok ? "" : `unexpected syntax error: ${JSON.stringify(result.error)}`);
  return result;
}

function summary(result: ManifestReadResult): string[] {
  return ok(result).objects.map(
    ({ kind, object, line }) =>
      `${kind.kind} ${object.metadata?.namespace ?? "-"}/${object.metadata?.name} @${line}`,
  );
}

describe("readManifests", () => {
  test("reads the five kinds from multi-document YAML and expands List items, with their lines", () => {
    assert.deepEqual(summary(readManifests(fixture)), [
      "IngressClass -/ingress-kit @2",
      "Ingress default/shop @9",
      "Service default/shop @33",
      "EndpointSlice default/shop-1 @43",
      "Secret default/shop-tls @62",
    ]);
  });

  test("sets aside other kinds and non-TLS Secrets, saying where they are", () => {
    const notes = ok(readManifests(fixture)).notes.map((n) => [n.reason, n.kind, n.name, n.line]);
    assert.deepEqual(notes, [
      ["kind-ignored", "Deployment", "shop", 57],
      ["secret-ignored", "Secret", "db-password", 78],
      ["kind-ignored", "ConfigMap", "settings", 86],
    ]);
  });

  test("namespaced objects without a namespace go to default; IngressClass stays cluster-scoped", () => {
    const { objects } = ok(readManifests(fixture));
    assert.equal(objects.find((o) => o.kind.kind === "Ingress")?.object.metadata?.namespace, "default");
    assert.equal(objects.find((o) => o.kind.kind === "IngressClass")?.object.metadata?.namespace, undefined);
    const text = "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\n";
    assert.equal(ok(readManifests(text)).objects[0]?.object.metadata?.namespace, "shop");
  });

  test("a TLS Secret's stringData becomes base64 data and other keys are dropped", () => {
    const secret = ok(readManifests(fixture)).objects.find((o) => o.kind.kind === "Secret")?.object;
    const data = secret?.data as Record<string, string>;
    assert.deepEqual(Object.keys(data).sort(), ["tls.crt", "tls.key"]);
    assert.match(Buffer.from(data["tls.key"]!, "base64").toString("utf8"), /not a real key/);
    assert.equal(secret?.stringData, undefined);
  });

  test("reads `kubectl get -o json` output (a JSON List)", () => {
    const json = JSON.stringify(
      {
        apiVersion: "v1",
        kind: "List",
        items: [
          { apiVersion: "v1", kind: "Service", metadata: { name: "a", namespace: "x" } },
          { apiVersion: "v1", kind: "Service", metadata: { name: "b", namespace: "x" } },
        ],
      },
      null,
      2,
    );
    assert.deepEqual(summary(readManifests(json)), ["Service x/a @5", "Service x/b @13"]);
  });

  test("a syntax error gives its line and column and does not quote the file", () => {
    const text = "apiVersion: v1\nkind: Secret\ndata:\n  tls.key: [SECRET-MATERIAL\n";
    const result = readManifests(text);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.error.line, 5);
    assert.ok(result.error.code.length > 0);
    assert.ok(!result.error.message.includes("SECRET-MATERIAL"), result.error.message);
  });

  test("an object without metadata.name is noted and skipped; the others are read", () => {
    const text = [
      "apiVersion: v1\nkind: Service\nmetadata: {namespace: x}",
      "apiVersion: v1\nkind: Service\nmetadata: {name: ok}",
      "just a string",
    ].join("\n---\n");
    const result = ok(readManifests(text));
    assert.deepEqual(summary(result), ["Service default/ok @5"]);
    assert.deepEqual(
      result.notes.map((n) => [n.reason, n.line, n.message]),
      [
        ["malformed-object", 1, "metadata.name is missing"],
        ["malformed-object", 9, "the document is not a Kubernetes object (a map)"],
      ],
    );
  });

  test("a known kind of another apiVersion is ignored, naming the one that is read", () => {
    const text = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: old}\n";
    const result = ok(readManifests(text));
    assert.equal(result.objects.length, 0);
    assert.equal(result.notes[0]?.reason, "kind-ignored");
    assert.match(result.notes[0]?.message ?? "", /networking\.k8s\.io\/v1/);
  });

  test("an empty file or one of comments only has no objects", () => {
    assert.deepEqual(summary(readManifests("")), []);
    assert.deepEqual(summary(readManifests("# nothing yet\n---\n")), []);
  });
});
