import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
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

describe("MergedObjects after a change", () => {
  // Each step gives every file a list of objects: most kept as they were (the same instances), some new, some
  // gone, some defined twice. The merge that works from the last one must equal a whole merge of the same files.
  const KINDS = [INGRESS, SERVICE];
  const objectArb = fc.record({
    kind: fc.constantFrom(...KINDS),
    namespace: fc.constantFrom("a", "b"),
    name: fc.constantFrom("x", "y", "z", "w"),
    line: fc.integer({ min: 1, max: 9 }),
  });
  const stepArb = fc.array(
    fc.record({
      path: fc.constantFrom("1.yaml", "2.yaml", "3.yaml"),
      keep: fc.array(fc.boolean(), { maxLength: 6 }),
      fresh: fc.array(objectArb, { maxLength: 3 }),
    }),
    { maxLength: 3 },
  );

  it("gives what a whole merge of the same files gives", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 6 }), (steps) => {
        const merged = new MergedObjects();
        let files = new Map<string, readonly ManifestObject[]>();
        for (const step of steps) {
          const next = new Map(files);
          for (const { path, keep, fresh } of step) {
            const before = files.get(path) ?? [];
            const kept = before.filter((_, i) => keep[i] ?? true);
            const made = fresh.map((o) => object(o.kind, o.namespace, o.name, o.line));
            if (kept.length + made.length === 0) next.delete(path);
            else {
              next.set(
                path,
                kept.length === before.length && made.length === 0 ? before : [...kept, ...made],
              );
            }
          }
          files = new Map([...next].sort(([a], [b]) => (a < b ? -1 : 1)));
          const actual = merged.merge(files);
          const expected = new MergedObjects().merge(files);
          assert.deepEqual([...actual.byKind.keys()].sort(), [...expected.byKind.keys()].sort());
          for (const [kind, objects] of expected.byKind) {
            const got = actual.byKind.get(kind)!;
            assert.equal(got.length, objects.length);
            got.forEach((o, i) => assert.equal(o, objects[i]));
          }
          assert.deepEqual(actual.duplicates, expected.duplicates);
        }
      }),
      { numRuns: 300 },
    );
  });
});
