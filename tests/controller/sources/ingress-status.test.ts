import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  buildLoadBalancerIngress,
  buildStatusPatch,
  hasLoadBalancerIngress,
} from "../../../sdk/controller/sources/ingress-status";

describe("ingress status", () => {
  test("an address becomes one load balancer entry; an empty address none", () => {
    assert.deepEqual(buildLoadBalancerIngress({ ip: "203.0.113.7" }), [{ ip: "203.0.113.7" }]);
    assert.deepEqual(buildLoadBalancerIngress({ hostname: "lb.example.com" }), [
      { hostname: "lb.example.com" },
    ]);
    assert.deepEqual(buildLoadBalancerIngress({ ip: "203.0.113.7", hostname: "lb.example.com" }), [
      { ip: "203.0.113.7", hostname: "lb.example.com" },
    ]);
    assert.deepEqual(buildLoadBalancerIngress({}), []);
  });

  const cases: [string, unknown, boolean][] = [
    ["no status", undefined, false],
    ["an empty list", { loadBalancer: { ingress: [] } }, false],
    ["the same ip", { loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } }, true],
    [
      "the same ip with ports",
      { loadBalancer: { ingress: [{ ip: "203.0.113.7", ports: [{ port: 80 }] }] } },
      true,
    ],
    ["another ip", { loadBalancer: { ingress: [{ ip: "203.0.113.8" }] } }, false],
    ["a hostname instead", { loadBalancer: { ingress: [{ hostname: "203.0.113.7" }] } }, false],
    ["an extra entry", { loadBalancer: { ingress: [{ ip: "203.0.113.7" }, { ip: "203.0.113.8" }] } }, false],
    ["a malformed list", { loadBalancer: { ingress: "203.0.113.7" } }, false],
  ];
  for (const [name, status, expected] of cases) {
    test(`status with ${name} ${expected ? "already matches" : "differs"}`, () => {
      assert.equal(hasLoadBalancerIngress({ status }, [{ ip: "203.0.113.7" }]), expected);
    });
  }

  test("the merge patch replaces the whole list", () => {
    assert.deepEqual(buildStatusPatch([{ ip: "203.0.113.7" }]), {
      status: { loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } },
    });
  });
});
