// HTTPS backends reached under many TLS names (a wildcard rule: clients choose the SNI name): the idle upstream
// connections of one endpoint stay within its budget (256) on both engines.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HttpEngine } from "../../../sdk/controller/controller";
import { makeCertificate } from "../../helpers/certificates";
import { ingress, ingressClass, serviceFor } from "../../helpers/cluster-objects";
import { startHarness } from "../../helpers/controller-harness";
import { request } from "../../helpers/http-client";
import { startUpstream } from "../../helpers/upstreams";

for (const engine of ["fast", "node"] as HttpEngine[]) {
  describe(`HTTPS upstream connections under many TLS names (${engine} engine)`, () => {
    it(
      "keeps at most 256 idle connections to one endpoint, whatever the number of names",
      { timeout: 60_000 },
      async () => {
        const backend = await startUpstream("secure", { tls: makeCertificate("backend.internal") });
        const svc = serviceFor("secure", [backend.port]);
        const harness = await startHarness(
          {
            ingressClasses: [ingressClass()],
            ingresses: [
              ingress("wild", {
                annotations: { "ingress-kit.dev/backend-protocol": "HTTPS" },
                rules: [{ host: "*.wild.test", paths: [{ path: "/", service: "secure" }] }],
              }),
            ],
            services: [svc.service],
            endpointSlices: svc.slices,
          },
          { httpEngine: engine },
        );
        try {
          // Clients choose the TLS name (SNI) through the wildcard: one name per request.
          for (let i = 0; i < 300; i++) {
            const response = await request({ port: harness.httpPort, host: `n${i}.wild.test` });
            assert.equal(response.status, 200);
          }
          await new Promise((resolve) => setTimeout(resolve, 300));
          assert.ok(
            backend.sockets.size <= 256,
            `${backend.sockets.size} idle upstream connections to one endpoint (budget 256)`,
          );
        } finally {
          await harness.close();
          await backend.close();
        }
      },
    );
  });
}
