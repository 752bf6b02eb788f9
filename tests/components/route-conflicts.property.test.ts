// Property: whatever order routes are declared in, a HostRoute fails exactly when an earlier route of the same
// gateway holds its host, path and pathType with another backend, and names that route; the same backend is only a
// warning. Checked against a plain map-based reference.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { settle } from "../helpers/outputs";
import { installMocks, type MockState } from "../helpers/pulumi-mocks";

type Sdk = typeof import("../../sdk/index.js");
let sdk: Sdk;
let mocks: MockState;
let registry: typeof import("../../sdk/components/route-registry.js");

before(async () => {
  mocks = await installMocks({ preview: true });
  sdk = await import("../../sdk/index.js");
  registry = await import("../../sdk/components/route-registry.js");
});

const routeArb = fc.record({
  gateway: fc.constantFrom("public", "internal"),
  host: fc.constantFrom("shop.example.com", "api.example.com", "*.example.com"),
  path: fc.constantFrom("/", "/api", "/api/v1", "/static"),
  pathType: fc.constantFrom("Prefix", "Exact"),
  service: fc.constantFrom("one", "two"),
});

test("routes fail exactly when an earlier route of the gateway holds the same host, path and type elsewhere", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(routeArb, { minLength: 1, maxLength: 8 }), async (routes) => {
      await settle();
      registry.resetRouteRegistry();
      mocks.reset();
      const warnings: string[] = [];
      const original = pulumi.log.warn;
      pulumi.log.warn = async (message: string) => {
        warnings.push(message);
      };
      try {
        const gateways = {
          public: new sdk.IngressGateway("public", { controller: "traefik" }),
          internal: new sdk.IngressGateway("internal", { controller: "builtin" }),
        };
        const held = new Map<string, { route: string; service: string }>();
        let expectedWarnings = 0;
        routes.forEach((r, i) => {
          const name = `r${i}`;
          const key = `${r.gateway} ${r.host} ${r.path} ${r.pathType}`;
          const holder = held.get(key);
          const build = () =>
            new sdk.HostRoute(name, {
              gateway: gateways[r.gateway],
              host: r.host,
              paths: [{ path: r.path, pathType: r.pathType, service: { name: r.service, port: 80 } }],
            });
          if (holder && holder.service !== r.service) {
            assert.throws(build, (e: Error & { code?: string }) => {
              assert.equal(e.code, "ERR_ROUTE_CONFLICT");
              assert.ok(
                e.message.includes(`HostRoute "${name}": path "${r.path}" (${r.pathType})`),
                e.message,
              );
              assert.ok(
                e.message.includes(`by HostRoute "${holder.route}" on gateway "${r.gateway}"`),
                e.message,
              );
              return true;
            });
          } else {
            build();
            if (holder) expectedWarnings++;
            else held.set(key, { route: name, service: r.service });
          }
        });
        assert.equal(warnings.filter((w) => w.includes("[WARN_DUPLICATE_ROUTE]")).length, expectedWarnings);
      } finally {
        pulumi.log.warn = original;
      }
    }),
    { numRuns: 25 },
  );
});
