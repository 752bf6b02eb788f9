import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addressToPublish } from "../../sdk/controller/address-publisher";
import { EMPTY_CLUSTER_STATE } from "../../sdk/controller/sources/objects";
import { ingress, ingressClass, service, serviceFor } from "../helpers/cluster-objects";
import { startHarness } from "../helpers/controller-harness";

function lbService(ingressStatus: { ip?: string; hostname?: string }[]) {
  return {
    ...service("edge", [{ port: 80 }], "ingress-kit"),
    status: { loadBalancer: { ingress: ingressStatus } },
  };
}

describe("load balancer address publishing", () => {
  it("takes a fixed address as IP or hostname, else the Service's first load balancer entry", () => {
    assert.deepEqual(addressToPublish({ address: "203.0.113.7" }, EMPTY_CLUSTER_STATE), {
      ip: "203.0.113.7",
    });
    assert.deepEqual(addressToPublish({ address: "lb.example.com" }, EMPTY_CLUSTER_STATE), {
      hostname: "lb.example.com",
    });
    const state = { ...EMPTY_CLUSTER_STATE, services: [lbService([{ hostname: "abc.elb.example.com" }])] };
    assert.deepEqual(addressToPublish({ service: "ingress-kit/edge" }, state), {
      hostname: "abc.elb.example.com",
    });
    assert.equal(
      addressToPublish(
        { service: "ingress-kit/edge" },
        { ...EMPTY_CLUSTER_STATE, services: [lbService([])] },
      ),
      null,
    );
    assert.equal(addressToPublish({}, state), null);
  });

  it("publishes the address for the served Ingresses after each snapshot swap", async (t) => {
    const backend = serviceFor("web", [1]);
    const harness = await startHarness(
      {
        ingressClasses: [ingressClass()],
        ingresses: [
          ingress("a", { rules: [{ host: "a.test", paths: [{ path: "/", service: "web" }] }] }),
          ingress("other", {
            className: "nginx",
            rules: [{ host: "b.test", paths: [{ path: "/", service: "web" }] }],
          }),
        ],
        services: [backend.service, lbService([])],
        endpointSlices: backend.slices,
      },
      { publish: { service: "ingress-kit/edge" } },
    );
    t.after(() => harness.close());
    assert.deepEqual(harness.source.published, []);
    await harness.apply({ services: [backend.service, lbService([{ ip: "198.51.100.4" }])] });
    assert.deepEqual(harness.source.published, [[["default/a"], { ip: "198.51.100.4" }]]);
  });
});
