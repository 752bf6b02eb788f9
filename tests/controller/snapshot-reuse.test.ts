// Work reused between snapshot builds for the same object instances, and redone for replaced ones, shown by
// identity: the reused results are the very objects of the earlier build.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSnapshot } from "../../sdk/controller/snapshot";
import { EMPTY_CLUSTER_STATE, type ClusterState } from "../../sdk/controller/sources/objects";
import { endpointSlice, ingress, ingressClass, service } from "../helpers/cluster-objects";
import { CLASS } from "../helpers/cluster-objects";

function state(parts: Partial<ClusterState>): ClusterState {
  return { ...EMPTY_CLUSTER_STATE, ingressClasses: [ingressClass()], ...parts };
}

const shopRules = {
  rules: [{ host: "shop.example.com", paths: [{ path: "/", service: "web", port: 80 }] }],
};

describe("buildSnapshot reuses work for unchanged objects", () => {
  const shop = ingress("shop", shopRules);
  const web = service("web", [{ name: "http", port: 80 }]);
  const slice = endpointSlice("web", [{ address: "10.0.0.1" }], [{ name: "http", port: 8080 }]);
  const first = buildSnapshot(state({ ingresses: [shop], services: [web], endpointSlices: [slice] }), {
    ingressClass: CLASS,
  });
  const target = (snapshot: typeof first) => snapshot.targets[0]!;

  it("keeps the route options, backend copy and endpoints when the same instances are built again", () => {
    const again = buildSnapshot(state({ ingresses: [shop], services: [web], endpointSlices: [slice] }), {
      ingressClass: CLASS,
      previous: first,
    });
    assert.equal(target(again).options, target(first).options);
    assert.equal(target(again).route.backend, target(first).route.backend);
    assert.equal(target(again).route.annotations, target(first).route.annotations);
    assert.equal(target(again).endpoints, target(first).endpoints);
  });

  it("works an Ingress out anew when it is replaced by an equal copy", () => {
    const copy = structuredClone(shop);
    const next = buildSnapshot(state({ ingresses: [copy], services: [web], endpointSlices: [slice] }), {
      ingressClass: CLASS,
      previous: first,
    });
    assert.notEqual(target(next).route.backend, target(first).route.backend);
    assert.notEqual(target(next).route.annotations, target(first).route.annotations);
    assert.deepEqual(target(next).options, target(first).options);
    assert.equal(target(next).endpoints, target(first).endpoints, "the Service and slice did not change");
  });

  it("resolves the backend anew when its EndpointSlice is replaced, and sees the new addresses", () => {
    const moved = endpointSlice("web", [{ address: "10.0.0.9" }], [{ name: "http", port: 8080 }]);
    const next = buildSnapshot(state({ ingresses: [shop], services: [web], endpointSlices: [moved] }), {
      ingressClass: CLASS,
      previous: first,
    });
    assert.notEqual(target(next).endpoints, target(first).endpoints);
    assert.deepEqual(
      target(next).endpoints.map((e) => e.key),
      ["10.0.0.9:8080"],
    );
  });

  it("resolves the backend anew when its Service is replaced", () => {
    const renumbered = service("web", [{ name: "http", port: 81 }]);
    const next = buildSnapshot(
      state({ ingresses: [shop], services: [renumbered], endpointSlices: [slice] }),
      { ingressClass: CLASS, previous: first },
    );
    assert.equal(target(next).problem?.code, "ERR_SERVICE_PORT_NOT_FOUND");
  });
});
