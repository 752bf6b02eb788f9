import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compactCopy } from "../../../sdk/controller/sources/compact-copy";
import { readManifests } from "../../../sdk/controller/sources/manifest-reader";

describe("compactCopy", () => {
  it("gives an equal copy of plain data", () => {
    const value = { a: "x", b: [1, 2.5, true, null, { c: "d" }], e: {} };
    const copy = compactCopy(value);
    assert.notEqual(copy, value);
    assert.deepEqual(copy, value);
  });

  it("keeps values JSON cannot carry as they are", () => {
    for (const value of [{ port: Number.POSITIVE_INFINITY }, { port: Number.NaN }, { a: undefined }]) {
      assert.equal(compactCopy(value), value);
    }
  });

  it("is what the manifest reader keeps: .inf stays a number", () => {
    const result = readManifests(
      "apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: a }\nspec: { ports: [{ port: .inf }] }\n",
    );
    assert.ok(result.ok);
    const spec = result.objects[0]!.object.spec as { ports: { port: number }[] };
    assert.equal(spec.ports[0]!.port, Number.POSITIVE_INFINITY);
  });
});
