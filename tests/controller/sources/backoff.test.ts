import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { backoffDelay } from "../../../sdk/controller/sources/backoff";
import { collectionPath, RESOURCE_KINDS } from "../../../sdk/controller/sources/resource-kinds";

describe("backoffDelay", () => {
  test("doubles from the initial delay, jittered into its upper half, and stops at the maximum", () => {
    const options = { initialMs: 100, maxMs: 1000 };
    for (let i = 0; i < 200; i++) {
      const delays = [0, 1, 2, 3, 4, 10, 60].map((attempt) => backoffDelay(attempt, options));
      const ceilings = [100, 200, 400, 800, 1000, 1000, 1000];
      delays.forEach((delay, n) => {
        assert.ok(delay >= ceilings[n]! / 2 && delay <= ceilings[n]!, `attempt ${n}: ${delay}`);
      });
    }
  });
});

describe("collectionPath", () => {
  test("core and grouped kinds, cluster-wide and namespaced", () => {
    const paths = RESOURCE_KINDS.map((kind) => [collectionPath(kind), collectionPath(kind, "web")]);
    assert.deepEqual(paths, [
      ["/apis/networking.k8s.io/v1/ingresses", "/apis/networking.k8s.io/v1/namespaces/web/ingresses"],
      ["/apis/networking.k8s.io/v1/ingressclasses", "/apis/networking.k8s.io/v1/ingressclasses"],
      ["/api/v1/services", "/api/v1/namespaces/web/services"],
      ["/apis/discovery.k8s.io/v1/endpointslices", "/apis/discovery.k8s.io/v1/namespaces/web/endpointslices"],
      ["/api/v1/secrets", "/api/v1/namespaces/web/secrets"],
    ]);
  });
});
