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

describe("readManifests with the previous read's documents", () => {
  const service = (name: string, port = 80) =>
    `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {ports: [{port: ${port}}]}\n`;
  const file = (...docs: string[]) => docs.join("---\n");

  test("parses only the new or changed documents and keeps the others' objects", () => {
    const first = ok(readManifests(file(service("a"), service("b"), service("c"))));
    assert.equal(first.parsedDocuments, 3);

    const appended = ok(
      readManifests(file(service("a"), service("b"), service("c"), service("d")), first.documents),
    );
    assert.equal(appended.parsedDocuments, 1);
    assert.deepEqual(summary(appended), [
      "Service default/a @1",
      "Service default/b @6",
      "Service default/c @11",
      "Service default/d @16",
    ]);
    assert.equal(
      appended.objects[1]?.object,
      first.objects[1]?.object,
      "an unchanged document keeps its object",
    );

    const changed = ok(readManifests(file(service("a"), service("b", 81), service("d")), appended.documents));
    assert.equal(changed.parsedDocuments, 1);
    assert.deepEqual(summary(changed), [
      "Service default/a @1",
      "Service default/b @6",
      "Service default/d @11",
    ]);
    assert.equal(
      changed.objects[1]?.object.spec &&
        (changed.objects[1].object.spec as { ports: { port: number }[] }).ports[0]?.port,
      81,
    );
  });

  test("moved documents and their notes get their new lines", () => {
    const note = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ignored}\n";
    const first = ok(readManifests(file(service("a"), service("b"), note)));
    const moved = ok(readManifests(file(service("a"), service("new"), service("b"), note), first.documents));
    assert.equal(moved.parsedDocuments, 1);
    assert.deepEqual(summary(moved), [
      "Service default/a @1",
      "Service default/new @6",
      "Service default/b @11",
    ]);
    assert.deepEqual(
      moved.notes.map((n) => [n.reason, n.line]),
      [["kind-ignored", 16]],
    );
  });

  test("a changed document that does not parse gives the error and line of the whole file", () => {
    const first = ok(readManifests(file(service("a"), service("b"))));
    const result = readManifests(file(service("a"), service("b"), "kind: [unclosed\n"), first.documents);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.error.line, 12);
  });
});
