import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ManifestObject } from "../../../sdk/controller/sources/manifest-reader";
import { MergedObjects } from "../../../sdk/controller/sources/merged-objects";
import { findResourceKind } from "../../../sdk/controller/sources/resource-kinds";

const INGRESS = findResourceKind("Ingress")!;
const SERVICE = findResourceKind("Service")!;

function object(kind: typeof INGRESS, namespace: string, name: string, line = 1): ManifestObject {
  return { kind, line, object: { kind: kind.kind, metadata: { namespace, name } } };
}

const names = (objects: readonly { metadata?: { namespace?: string; name?: string } }[] | undefined) =>
  (objects ?? []).map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`);

describe("MergedObjects", () => {
  it("sorts by namespace, then name (a namespace that prefixes another sorts first)", () => {
    const merged = new MergedObjects();
    const { byKind } = merged.merge([
      ["b.yaml", [object(INGRESS, "a-b", "x"), object(INGRESS, "a", "z"), object(INGRESS, "a", "y")]],
    ]);
    assert.deepEqual(names(byKind.get("ingresses")), ["a/y", "a/z", "a-b/x"]);
  });

  it("keeps the first definition and reports the later ones", () => {
    const merged = new MergedObjects();
    const { byKind, duplicates } = merged.merge([
      ["a.yaml", [object(INGRESS, "web", "shop", 3)]],
      ["b.yaml", [object(INGRESS, "web", "shop", 7)]],
    ]);
    assert.equal(byKind.get("ingresses")!.length, 1);
    assert.deepEqual(
      duplicates.map((d) => [d.key, d.path, d.line, d.keptPath, d.keptLine]),
      [["web/shop", "b.yaml", 7, "a.yaml", 3]],
    );
  });

  it("keeps a kind's array when its objects are the same instances, and makes a new one when one changes", () => {
    const merged = new MergedObjects();
    const services: ManifestObject[] = [object(SERVICE, "web", "api"), object(SERVICE, "web", "db")];
    const first = merged.merge([["a.yaml", [object(INGRESS, "web", "shop"), ...services]]]);
    const second = merged.merge([["a.yaml", [object(INGRESS, "web", "shop"), ...services]]]);
    assert.equal(second.byKind.get("services"), first.byKind.get("services"));
    assert.notEqual(second.byKind.get("ingresses"), first.byKind.get("ingresses"));
    assert.deepEqual(names(second.byKind.get("ingresses")), ["web/shop"]);
  });
});
