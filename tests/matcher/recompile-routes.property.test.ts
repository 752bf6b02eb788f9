// recompileRoutes works from the previous table; whatever the sequence of inputs, each table it returns must
// serve exactly as compileRoutes's table for the same input (routes, matches, TLS names, skipped Ingresses,
// warnings), with ids that index `routes` densely.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { compileRoutes, type IngressObject, type RouteMatch, type RouteTable } from "../../sdk/matcher";
import { IngressPartsCache } from "../../sdk/matcher/ingress-parts";
import { recompileRoutes } from "../../sdk/matcher/recompile-routes";
import { ingress, rule } from "../helpers/ingress-builders";

const HOSTS = ["a.com", "b.a.com", "*.a.com", "x.org"];
const NAMES = ["n0", "n1", "n2", "n3", "n4", "n5"];
const REQUEST_HOSTS = ["a.com", "b.a.com", "z.a.com", "x.org", "other.net"];
const REQUEST_PATHS = ["/", "/a", "/a/b", "/b", "/ab"];
const OPTIONS = { ingressClass: "web" };

const pathArb = fc.record({
  path: fc.constantFrom("/", "/a", "/a/b", "/b"),
  pathType: fc.constantFrom("Exact", "Prefix"),
  service: fc.constantFrom("s0", "s1", "s2"),
});
/** One version of an Ingress named `name`: a fresh object every time. */
const versionArb = (name: string) =>
  fc
    .record({
      rules: fc.array(
        fc.record({
          host: fc.option(fc.constantFrom(...HOSTS), { nil: undefined }),
          paths: fc.array(pathArb, { minLength: 1, maxLength: 2 }),
        }),
        { minLength: 1, maxLength: 2 },
      ),
      created: fc.option(fc.constantFrom("2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z"), { nil: undefined }),
      defaultService: fc.option(fc.constantFrom("d0", "d1"), { nil: undefined }),
      tls: fc.constantFrom("none", "rule-host", "rule-host", "other-host"),
      // Another class (left out), or no paths (an error: skipped).
      other: fc.constantFrom("none", "none", "none", "none", "class", "invalid"),
    })
    .map((spec): IngressObject => {
      const rules = spec.rules.map((r) => rule(r.host, ...r.paths.map((p) => ({ ...p }))));
      const object = ingress(name, rules, {
        ingressClassName: spec.other === "class" ? "other" : "web",
        created: spec.created,
        defaultBackend: spec.defaultService
          ? { service: { name: spec.defaultService, port: { number: 80 } } }
          : undefined,
        // A TLS host without a rule for it is a warning: the update leaves such changes to a whole compile.
        tls:
          spec.tls === "none"
            ? undefined
            : [
                {
                  hosts: [spec.tls === "rule-host" ? (spec.rules[0]!.host ?? "a.com") : "x.org"],
                  secretName: `tls-${name}`,
                },
              ],
      });
      if (spec.other === "invalid") object.spec!.rules = [{ host: "bad..host", http: { paths: [] } }];
      return object;
    });

/** A sequence of inputs: each step keeps, drops or replaces each name's object; sometimes out of order. */
const stepsArb = fc
  .array(
    fc.tuple(
      fc.array(fc.constantFrom("keep", "keep", "keep", "drop", "new"), {
        minLength: NAMES.length,
        maxLength: NAMES.length,
      }),
      fc.tuple(...NAMES.map(versionArb)),
      fc.boolean(),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((steps) => {
    const inputs: IngressObject[][] = [];
    let current = new Map<string, IngressObject>();
    for (const [actions, versions, shuffle] of steps) {
      const next = new Map<string, IngressObject>();
      NAMES.forEach((name, i) => {
        const action = actions[i]!;
        const kept = current.get(name);
        if (action === "keep" && kept) next.set(name, kept);
        else if (action === "new" || (action === "keep" && !kept && i % 2 === 0)) {
          next.set(name, versions[i]!);
        }
      });
      const list = [...next.values()];
      inputs.push(shuffle ? list.reverse() : list);
      current = next;
    }
    return inputs;
  });

const withoutId = (route: RouteMatch | null) => (route === null ? null : { ...route, id: -1 });
const byJson = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);

function assertSameTable(actual: RouteTable, expected: RouteTable): void {
  actual.routes.forEach((route, i) => assert.equal(route.id, i));
  assert.deepEqual(actual.routes.map(withoutId).sort(byJson), expected.routes.map(withoutId).sort(byJson));
  for (const host of REQUEST_HOSTS) {
    for (const path of REQUEST_PATHS) {
      const match = actual.match(host, path);
      if (match !== null) assert.equal(actual.routes[match.id], match);
      assert.deepEqual(withoutId(match), withoutId(expected.match(host, path)), `${host}${path}`);
    }
    assert.deepEqual(actual.tlsSecretFor(host), expected.tlsSecretFor(host), host);
  }
  assert.deepEqual(actual.skipped, expected.skipped);
  assert.deepEqual(actual.warnings, expected.warnings);
  assert.deepEqual(actual.ingresses, expected.ingresses);
}

describe("recompileRoutes", () => {
  it("serves every input exactly as compileRoutes does, whatever came before", () => {
    fc.assert(
      fc.property(stepsArb, (inputs) => {
        const cache = new IngressPartsCache();
        let table: RouteTable | null = null;
        for (const input of inputs) {
          table = recompileRoutes(table, input, OPTIONS, cache);
          assertSameTable(table, compileRoutes(input, OPTIONS));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the route objects and ids of hosts that no changed Ingress touches", () => {
    const cache = new IngressPartsCache();
    const shop = ingress("shop", [rule("shop.example.com", { path: "/", service: "web" })]);
    const other = ingress("other", [rule("other.example.com", { path: "/", service: "other" })]);
    const first = recompileRoutes(null, [other, shop], {}, cache);
    const added = ingress("new", [rule("new.example.com", { path: "/", service: "new" })]);
    const second = recompileRoutes(first, [added, other, shop], {}, cache);
    assert.equal(second.match("shop.example.com", "/"), first.match("shop.example.com", "/"));
    assert.equal(second.match("other.example.com", "/"), first.match("other.example.com", "/"));
    assert.equal(second.match("new.example.com", "/")?.backend.service?.name, "new");
    const third = recompileRoutes(second, [other, shop], {}, cache);
    assert.equal(third.match("new.example.com", "/"), null);
    assert.deepEqual(
      third.routes.map((r) => r.id),
      [0, 1],
    );
  });

  it("returns the previous table itself for the same input", () => {
    const cache = new IngressPartsCache();
    const input = [ingress("shop", [rule("shop.example.com", { path: "/", service: "web" })])];
    const first = recompileRoutes(null, input, {}, cache);
    assert.equal(recompileRoutes(first, input, {}, cache), first);
  });
});
