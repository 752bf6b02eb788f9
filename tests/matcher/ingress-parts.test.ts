// The per-Ingress work of compileRoutes, reused by object instance when a cache is given.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileRoutes } from "../../sdk/matcher";
import { IngressPartsCache } from "../../sdk/matcher/ingress-parts";
import { compileRoutesReusing } from "../../sdk/matcher/route-table";
import { ingress, rule } from "../helpers/ingress-builders";

describe("compileRoutesReusing", () => {
  const shop = ingress("shop", [rule("shop.example.com", { path: "/", service: "web" })]);
  const other = ingress("other", [rule("other.example.com", { path: "/", service: "other" })]);

  it("compiles the same table as compileRoutes", () => {
    const cache = new IngressPartsCache();
    const reused = compileRoutesReusing([shop, other], {}, cache);
    const plain = compileRoutes([shop, other]);
    assert.deepEqual(reused.routes, plain.routes);
    assert.deepEqual(reused.ingresses, plain.ingresses);
  });

  it("reuses an Ingress's parts for the same instance and works out a replaced one anew", () => {
    const cache = new IngressPartsCache();
    const first = compileRoutesReusing([shop, other], {}, cache);
    const copy = structuredClone(other);
    const second = compileRoutesReusing([shop, copy], {}, cache);
    const byName = (table: typeof first, name: string) => table.routes.find((r) => r.ingress.name === name)!;
    assert.equal(cache.get(shop), cache.get(shop));
    assert.equal(byName(second, "shop").backend, byName(first, "shop").backend);
    assert.equal(byName(second, "shop").ingress, byName(first, "shop").ingress);
    assert.notEqual(byName(second, "other").backend, byName(first, "other").backend);
    assert.deepEqual(byName(second, "other").backend, byName(first, "other").backend);
  });

  it("without a cache shares nothing between compiles", () => {
    const a = compileRoutes([shop]);
    const b = compileRoutes([shop]);
    assert.notEqual(a.routes[0]!.backend, b.routes[0]!.backend);
  });
});
