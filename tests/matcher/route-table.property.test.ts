// The compiled table must agree with a plain brute-force matcher written straight from the Kubernetes definition:
// every rule is tried, Prefix compares path elements split on "/", the most specific matching host owns the
// request (exact, then wildcard, then no host), the longest path wins, Exact wins ties, and older objects win.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { compileRoutes, type IngressObject } from "../../sdk/matcher";

interface RefRoute {
  order: number;
  host: string;
  path: string;
  pathType: string;
  service: string;
}

// Elements compared decoded: "/é" and "/%C3%A9" are one path, whatever form the rule or the client wrote.
function elements(path: string): string[] {
  return path
    .split("/")
    .filter((e) => e !== "")
    .map((e) => decodeURIComponent(e));
}

function referencePathMatch(route: RefRoute, requestPath: string): number | null {
  if (route.pathType === "Exact") {
    return decodeURIComponent(route.path) === decodeURIComponent(requestPath)
      ? encodeURI(decodeURIComponent(route.path)).length * 2 + 1
      : null;
  }
  const rule = elements(route.path);
  const request = elements(requestPath);
  if (rule.length > request.length || rule.some((e, i) => e !== request[i])) return null;
  // Longest path first: compare the rule's element string length; Exact (the +1 above) wins ties.
  return encodeURI("/" + rule.join("/")).length * 2;
}

function referenceHostRank(ruleHost: string, requestHost: string): number | null {
  if (ruleHost === "") return 0;
  if (ruleHost.startsWith("*.")) {
    const labels = requestHost.split(".");
    return labels.length >= 2 && labels[0] !== "" && labels.slice(1).join(".") === ruleHost.slice(2)
      ? 1
      : null;
  }
  return ruleHost === requestHost ? 2 : null;
}

function referenceMatch(objects: IngressObject[], requestHost: string, requestPath: string): string | null {
  const sorted = [...objects].sort((a, b) => {
    const ta = Date.parse(a.metadata!.creationTimestamp ?? "9999-01-01T00:00:00Z");
    const tb = Date.parse(b.metadata!.creationTimestamp ?? "9999-01-01T00:00:00Z");
    return ta - tb || (a.metadata!.name! < b.metadata!.name! ? -1 : 1);
  });
  const routes: RefRoute[] = [];
  for (const object of sorted) {
    for (const r of object.spec!.rules ?? []) {
      for (const p of r.http!.paths!) {
        routes.push({
          order: routes.length,
          host: r.host ?? "",
          path: p.path!,
          pathType: p.pathType!,
          service: p.backend!.service!.name!,
        });
      }
    }
  }
  const hostRanks = routes.map((r) => referenceHostRank(r.host, requestHost));
  const bestRank = Math.max(-1, ...hostRanks.filter((r): r is number => r !== null));
  let best: { score: number; route: RefRoute } | null = null;
  routes.forEach((route, i) => {
    if (hostRanks[i] !== bestRank) return;
    const score = referencePathMatch(route, requestPath);
    if (score === null) return;
    if (best === null || score > best.score) best = { score, route };
  });
  if (best !== null) return (best as { route: RefRoute }).route.service;
  const withDefault = sorted.find((o) => o.spec!.defaultBackend);
  return withDefault?.spec!.defaultBackend!.service!.name ?? null;
}

const HOSTS = ["a.com", "b.a.com", "*.a.com", "c.b.a.com", "*.b.a.com", "x.org"];
const segment = fc.constantFrom("a", "b", "ab", "c", "é", "%C3%A9");
const rulePath = fc
  .tuple(fc.array(segment, { maxLength: 3 }), fc.boolean())
  .map(([segments, slash]) => "/" + segments.join("/") + (slash && segments.length > 0 ? "/" : ""));
const pathEntry = fc.record({
  path: rulePath,
  pathType: fc.constantFrom("Exact", "Prefix", "ImplementationSpecific"),
  service: fc.constantFrom("s0", "s1", "s2", "s3", "s4", "s5"),
});
const ruleArb = fc.record({
  host: fc.option(fc.constantFrom(...HOSTS), { nil: undefined }),
  paths: fc.array(pathEntry, { minLength: 1, maxLength: 3 }),
});
const ingressArb = fc.record({
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 3 }),
  created: fc.option(
    fc.constantFrom("2020-01-01T00:00:00Z", "2021-06-01T00:00:00Z", "2022-03-01T00:00:00Z"),
    { nil: undefined },
  ),
  defaultService: fc.option(fc.constantFrom("d0", "d1"), { nil: undefined }),
});
const objectsArb = fc.array(ingressArb, { minLength: 1, maxLength: 4 }).map((list) =>
  list.map((spec, i): IngressObject => ({
    kind: "Ingress",
    metadata: {
      name: `ing-${i}`,
      namespace: "default",
      ...(spec.created ? { creationTimestamp: spec.created } : {}),
    },
    spec: {
      ...(spec.defaultService
        ? { defaultBackend: { service: { name: spec.defaultService, port: { number: 80 } } } }
        : {}),
      rules: spec.rules.map((r) => ({
        ...(r.host ? { host: r.host } : {}),
        http: {
          paths: r.paths.map((p) => ({
            path: p.path,
            pathType: p.pathType,
            backend: { service: { name: p.service, port: { number: 80 } } },
          })),
        },
      })),
    },
  })),
);
const requestHost = fc.constantFrom(
  "a.com",
  "b.a.com",
  "c.b.a.com",
  "d.b.a.com",
  "z.a.com",
  "x.org",
  "other.net",
  "a.com.",
  "B.A.COM:8080",
);
const requestPath = fc
  .tuple(
    fc.array(fc.constantFrom("a", "b", "ab", "c", "abc", "é", "%c3%a9", "%61"), { maxLength: 4 }),
    fc.boolean(),
  )
  .map(([segments, slash]) => "/" + segments.join("/") + (slash && segments.length > 0 ? "/" : ""));

function normalizedHost(host: string): string {
  return host.toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
}

describe("compileRoutes agrees with a brute-force reference matcher", () => {
  it("on random route sets and requests", () => {
    fc.assert(
      fc.property(
        objectsArb,
        fc.array(fc.tuple(requestHost, requestPath), { minLength: 1, maxLength: 20 }),
        (objects, requests) => {
          const table = compileRoutes(objects);
          assert.equal(table.skipped.length, 0);
          for (const [host, path] of requests) {
            const expected = referenceMatch(objects, normalizedHost(host), path);
            const actual = table.match(host, path)?.backend.service?.name ?? null;
            assert.equal(actual, expected, `${host}${path}`);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("regardless of the order the objects are given in", () => {
    fc.assert(
      fc.property(objectsArb, requestHost, requestPath, (objects, host, path) => {
        const forward = compileRoutes(objects).match(host, path);
        const backward = compileRoutes([...objects].reverse()).match(host, path);
        assert.equal(backward?.backend.service?.name, forward?.backend.service?.name);
        assert.deepEqual(backward?.ingress, forward?.ingress);
      }),
      { numRuns: 500 },
    );
  });

  it("and a request path with dot segments routes like its resolved form", () => {
    fc.assert(
      fc.property(
        objectsArb,
        requestHost,
        requestPath,
        fc.constantFrom("a", "zz"),
        (objects, host, path, detour) => {
          const table = compileRoutes(objects);
          const crafted = `/${detour}/..${path}`;
          const encoded = `/${detour}/%2e%2E${path}`;
          assert.equal(table.match(host, crafted), table.match(host, path));
          assert.equal(table.match(host, encoded), table.match(host, path));
        },
      ),
      { numRuns: 500 },
    );
  });
});
