// A snapshot built from the previous one (the table recompiled from the previous table, the targets of
// unchanged routes carried over) must serve exactly as a snapshot built from nothing: the same routes with the
// same targets, the same unservable Ingresses, warnings and endpoint count, whatever the changes in between.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { buildSnapshot, type Snapshot } from "../../sdk/controller/snapshot";
import { EMPTY_CLUSTER_STATE, type ClusterState } from "../../sdk/controller/sources/objects";
import { endpointSlice, ingress, ingressClass, service } from "../helpers/cluster-objects";
import { CLASS } from "../helpers/cluster-objects";
import type { IngressObject } from "../../sdk/matcher";

const NAMES = ["i0", "i1", "i2", "i3"];
const SERVICES = ["web", "api", "gone"];

const versionArb = (name: string) =>
  fc
    .record({
      host: fc.constantFrom("a.test", "b.test", "c.test"),
      paths: fc.array(
        fc.record({ path: fc.constantFrom("/", "/x"), service: fc.constantFrom(...SERVICES) }),
        {
          minLength: 1,
          maxLength: 2,
        },
      ),
      // An invalid option value is a warning of the snapshot, not of the matcher.
      annotations: fc.constantFrom<Record<string, string>[]>(
        {},
        { "ingress-kit.dev/connect-timeout": "soon" },
        { "ingress-kit.dev/ssl-redirect": "false" },
      ),
      created: fc.constantFrom("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"),
    })
    .map((spec): IngressObject =>
      ingress(name, {
        annotations: spec.annotations,
        creationTimestamp: spec.created,
        rules: [{ host: spec.host, paths: spec.paths.map((p) => ({ ...p, port: 80 })) }],
      }),
    );

const web = service("web");
const api = service("api");
const slices = [
  endpointSlice("web", [{ address: "10.0.0.1" }], [{ name: "http", port: 8080 }], { name: "web-1" }),
  endpointSlice("api", [{ address: "10.0.0.2" }, { address: "10.0.0.3" }], [{ name: "http", port: 8080 }], {
    name: "api-1",
  }),
];

const stepsArb = fc.array(
  fc.tuple(
    fc.array(fc.constantFrom("keep", "keep", "drop", "new"), {
      minLength: NAMES.length,
      maxLength: NAMES.length,
    }),
    fc.tuple(...NAMES.map(versionArb)),
    fc.constantFrom("same", "same", "without-api", "new-slices"),
  ),
  { minLength: 1, maxLength: 6 },
);

/** What a snapshot serves, without route ids (which only a recompiled table keeps stable). */
function served(snapshot: Snapshot) {
  const targets = snapshot.targets
    .map((t, id) => {
      assert.equal(t.route.id, id);
      assert.equal(snapshot.table.routes[id], t.route);
      return JSON.stringify({
        route: { ...t.route, id: -1 },
        ingress: t.ingressLabel,
        service: t.serviceLabel,
        endpoints: t.endpoints.map((e) => e.key),
        problem: t.problem,
        options: t.options,
      });
    })
    .sort();
  return {
    targets,
    unservable: snapshot.unservable,
    warnings: [...snapshot.warnings].sort(),
    routeCount: snapshot.routeCount,
    endpointCount: snapshot.endpointCount,
  };
}

describe("buildSnapshot from the previous snapshot", () => {
  it("serves as a snapshot built from nothing", () => {
    fc.assert(
      fc.property(stepsArb, (steps) => {
        let current = new Map<string, IngressObject>();
        let previous: Snapshot | null = null;
        let services: ClusterState["services"] = [web, api];
        let endpointSlices: ClusterState["endpointSlices"] = slices;
        for (const [actions, versions, backends] of steps) {
          const next = new Map<string, IngressObject>();
          NAMES.forEach((name, i) => {
            const kept = current.get(name);
            if (actions[i] === "keep" && kept) next.set(name, kept);
            else if (actions[i] === "new") next.set(name, versions[i]!);
          });
          current = next;
          if (backends === "without-api") services = [web];
          else if (backends === "new-slices") {
            services = [web, api];
            endpointSlices = slices.map((s) => structuredClone(s));
          }
          const state: ClusterState = {
            ...EMPTY_CLUSTER_STATE,
            ingressClasses: [ingressClass()],
            ingresses: [...current.values()],
            services,
            endpointSlices,
          };
          const built: Snapshot = buildSnapshot(state, { ingressClass: CLASS, previous });
          assert.deepEqual(served(built), served(buildSnapshot(state, { ingressClass: CLASS })));
          previous = built;
        }
      }),
      { numRuns: 200 },
    );
  });
});
