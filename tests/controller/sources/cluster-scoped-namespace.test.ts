// A cluster-scoped object (IngressClass) written with a namespace, as copied manifests sometimes are: it is one
// object whatever the namespace says (the API server drops it), so a second definition in another file is a
// duplicate on every path of the merge, the incremental one included.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ManifestObject } from "../../../sdk/controller/sources/manifest-reader";
import { readManifests } from "../../../sdk/controller/sources/manifest-reader";
import { MergedObjects } from "../../../sdk/controller/sources/merged-objects";
import { buildClusterState } from "../../../sdk/controller/sources/cluster-state";
import { buildSnapshot } from "../../../sdk/controller/snapshot";

function objectsOf(text: string): ManifestObject[] {
  const read = readManifests(text);
  assert.ok(read.ok);
  return read.objects;
}

describe("cluster-scoped objects written with a namespace", () => {
  it("a cluster-scoped IngressClass written with a namespace is still one object (duplicate found as by a whole merge)", () => {
    // kubectl ignores metadata.namespace on cluster-scoped kinds, and so does objectKey (the whole merge's
    // identity); the binary-insertion path looks for a twin by namespace+name, so the namespace must be gone.
    const a: [string, ManifestObject[]] = [
      "a.yaml",
      objectsOf(
        "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: web\n  namespace: team\nspec:\n  controller: ingress-kit.dev/controller\n",
      ),
    ];
    const b0: [string, ManifestObject[]] = [
      "b.yaml",
      objectsOf("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: default\n"),
    ];
    const b1: [string, ManifestObject[]] = [
      "b.yaml",
      objectsOf(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: default\n---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: web\nspec:\n  controller: example.com/other\n",
      ),
    ];
    const merged = new MergedObjects();
    merged.merge([a, b0]);
    const incremental = merged.merge([a, b1]);
    const whole = new MergedObjects().merge([a, b1]);
    const controllers = (r: typeof whole) =>
      (r.byKind.get("ingressClasses") ?? []).map(
        (c) => (c as { spec?: { controller?: string } }).spec?.controller,
      );
    assert.deepEqual(controllers(whole), ["ingress-kit.dev/controller"]);
    assert.equal(whole.duplicates.length, 1);
    assert.deepEqual(controllers(incremental), controllers(whole));
    assert.deepEqual(incremental.duplicates.length, whole.duplicates.length);
  });

  it("so the controller stops serving after an unrelated file gains a duplicate IngressClass", () => {
    const ingressYaml =
      "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n  namespace: default\nspec:\n  ingressClassName: web\n  rules:\n  - host: shop.test\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: s\n            port:\n              number: 80\n";
    const classYaml = (namespace: string, controller: string) =>
      `apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: web\n${namespace}spec:\n  controller: ${controller}\n`;
    const a: [string, ManifestObject[]] = [
      "a.yaml",
      objectsOf(`${classYaml("  namespace: ingress\n", "ingress-kit.dev/controller")}---\n${ingressYaml}`),
    ];
    const b0: [string, ManifestObject[]] = ["b.yaml", []];
    const b1: [string, ManifestObject[]] = ["b.yaml", objectsOf(classYaml("", "example.com/other"))];
    const merged = new MergedObjects();
    merged.merge([a, b0]);
    const routes = (byKind: ReturnType<MergedObjects["merge"]>["byKind"]) =>
      buildSnapshot(buildClusterState(byKind), { ingressClass: "web" }).table.routes.length;
    const incremental = merged.merge([a, b1]);
    const whole = new MergedObjects().merge([a, b1]);
    assert.equal(routes(whole.byKind), 1); // the first definition (a.yaml) wins; b.yaml's is a duplicate
    assert.equal(routes(incremental.byKind), 1, "the incremental merge serves the duplicate's IngressClass");
  });
});
