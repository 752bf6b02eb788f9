// Conflict checks whose outcome must not depend on the mode (route-check-preview.test.ts, route-check-update.test.ts):
// conflicts between a route's own paths name them by `paths[i]` with the values the route was given, Service
// resources are named by their resource name, unknown namespaces are distinct backends, and a route that fails is
// not left in its gateway's index.
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { errorOf, settle } from "../helpers/outputs";
import { installMocks, Types, type MockState } from "../helpers/pulumi-mocks";

type Sdk = typeof import("../../sdk/index.js");
type Registry = typeof import("../../sdk/components/route-registry.js");

const HOST = "shop.example.com";

function assertMentions(message: string, mentions: readonly string[]): void {
  for (const mention of mentions) {
    assert.ok(message.includes(mention), `message lacks ${JSON.stringify(mention)}:\n${message}`);
  }
}

function assertNoPlaceholder(message: string): void {
  assert.doesNotMatch(message, /computed-[0-9a-z]+|default-port|\(namespace /, message);
}

/** Collects pulumi.log.warn messages while `run` runs. */
function warningsOf(run: () => void): string[] {
  const warnings: string[] = [];
  const original = pulumi.log.warn;
  pulumi.log.warn = async (message: string) => {
    warnings.push(message);
  };
  try {
    run();
  } finally {
    pulumi.log.warn = original;
  }
  return warnings;
}

/** Registers the route-check tests for one mode. */
export function describeRouteChecks(mode: "preview" | "update"): void {
  let sdk: Sdk;
  let registry: Registry;
  let mocks: MockState;

  describe(`route conflict checks (${mode})`, () => {
    beforeEach(async () => {
      if (!sdk) {
        mocks = await installMocks({ preview: mode === "preview" });
        sdk = await import("../../sdk/index.js");
        registry = await import("../../sdk/components/route-registry.js");
      }
      await settle();
      registry.resetRouteRegistry();
      mocks.reset();
    });

    test(`runs in ${mode} mode`, () => {
      assert.equal(pulumi.runtime.isDryRun(), mode === "preview");
    });

    describe("two paths of one route", () => {
      test("Service resources on /x and /x/ are named paths[0] and paths[1], never by stand-in names", () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        const api = new k8s.core.v1.Service("api", { spec: { ports: [{ port: 80 }] } });
        const web = new k8s.core.v1.Service("web", { spec: { ports: [{ port: 8080 }] } });
        const error = errorOf(
          () =>
            new sdk.HostRoute("r1", {
              gateway: gw,
              host: HOST,
              paths: [
                { path: "/x", service: api },
                { path: "/x/", service: web },
              ],
            }),
        );
        assert.equal(error.code, "ERR_ROUTE_CONFLICT", error.message);
        assertMentions(error.message, [
          'HostRoute "r1": paths[0] "/x" and paths[1] "/x/" (Prefix)',
          `host "${HOST}"`,
          'a trailing "/" does not change a Prefix path',
          'Service resource "api"',
          'Service resource "web"',
          "Remove one.",
        ]);
        assertNoPlaceholder(error.message);
        assert.doesNotMatch(error.message, /default\/r1/);
      });

      test("{ name, port } backends on the same Exact path name both paths and both services", () => {
        const gw = new sdk.IngressGateway("public", { controller: "nginx" });
        const error = errorOf(
          () =>
            new sdk.HostRoute("r1", {
              gateway: gw,
              host: HOST,
              paths: [
                { path: "/a", service: { name: "one", port: 80 } },
                { path: "/x", pathType: "Exact", service: { name: "api", port: 80 } },
                { path: "/x", pathType: "Exact", service: { name: "web", port: 8080 } },
              ],
            }),
        );
        assert.equal(error.code, "ERR_ROUTE_CONFLICT");
        assertMentions(error.message, [
          'paths[1] "/x" and paths[2] "/x" (Exact)',
          "service default/api:80",
          "service default/web:8080",
        ]);
        assert.doesNotMatch(error.message, /trailing/);
      });

      test("Prefix and ImplementationSpecific of one path are the same route, and the message says why", () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        const error = errorOf(
          () =>
            new sdk.HostRoute("r1", {
              gateway: gw,
              host: HOST,
              paths: [
                { path: "/x", service: { name: "api", port: 80 } },
                { path: "/x", pathType: "ImplementationSpecific", service: { name: "web", port: 80 } },
              ],
            }),
        );
        assert.equal(error.code, "ERR_ROUTE_CONFLICT");
        assertMentions(error.message, [
          'paths[0] "/x" (Prefix) and paths[1] "/x" (ImplementationSpecific)',
          "ImplementationSpecific is matched as Prefix",
        ]);
      });

      test("the same backend twice is a duplicate warning naming both paths, and the route is created", async () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        const api = new k8s.core.v1.Service("api", { spec: { ports: [{ port: 80 }] } });
        const warnings = warningsOf(() => {
          new sdk.HostRoute("r1", {
            gateway: gw,
            host: HOST,
            paths: [
              { path: "/x", service: api },
              { path: "/x/", service: api },
            ],
          });
        });
        assert.equal(warnings.length, 1, warnings.join("\n"));
        assertMentions(warnings[0]!, [
          'HostRoute "r1": paths[0] "/x" and paths[1] "/x/" (Prefix)',
          'Service resource "api" (its only port)',
          "only paths[0] is used. Remove paths[1].",
          "[WARN_DUPLICATE_ROUTE]",
        ]);
        assertNoPlaceholder(warnings[0]!);
        await settle();
        assert.equal(mocks.ofType(Types.ingress).length, 1);
      });

      test("an unreachable path of the route is named by its argument, not by the matcher's Ingress", () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        const error = errorOf(
          () =>
            new sdk.HostRoute("r1", {
              gateway: gw,
              host: HOST,
              namespace: pulumi.output("shop"),
              paths: [
                { path: "/", service: { name: "web", port: 80 } },
                { path: "/a/../b", service: { name: "web", port: 80 } },
              ],
            }),
        );
        assert.equal(error.code, "ERR_UNREACHABLE_RULE", error.message);
        assertMentions(error.message, ['paths[1].path "/a/../b"']);
        assert.doesNotMatch(error.message, /Ingress |spec\.rules/);
      });
    });

    describe("Service resource backends in messages of two routes", () => {
      test("name the other route's Service by its resource name and port", () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        const api = new k8s.core.v1.Service("api", { spec: { ports: [{ name: "http", port: 80 }] } });
        const web = new k8s.core.v1.Service("web", { spec: { ports: [{ port: 80 }] } });
        new sdk.HostRoute("a", {
          gateway: gw,
          host: HOST,
          paths: [{ path: "/", service: api, port: "http" }],
        });
        const error = errorOf(
          () => new sdk.HostRoute("b", { gateway: gw, host: HOST, paths: [{ path: "/", service: web }] }),
        );
        assert.equal(error.code, "ERR_ROUTE_CONFLICT");
        assertMentions(error.message, [
          'HostRoute "b": path "/" (Prefix)',
          'already routed to Service resource "api" (port "http") by HostRoute "a"',
        ]);
        assertNoPlaceholder(error.message);
        assert.doesNotMatch(error.message, /\(computed\)|\(its port\)/);
      });

      test("add the namespace when the route names it", () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        const api = new k8s.core.v1.Service("api", {
          metadata: { namespace: "shop" },
          spec: { ports: [{ port: 80 }] },
        });
        new sdk.HostRoute("a", {
          gateway: gw,
          host: HOST,
          namespace: "shop",
          paths: [{ path: "/", service: api, port: 80 }],
        });
        const error = errorOf(
          () =>
            new sdk.HostRoute("b", {
              gateway: gw,
              host: HOST,
              namespace: "shop",
              paths: [{ path: "/", service: { name: "web", port: 80 } }],
            }),
        );
        assertMentions(error.message, ['Service resource "api" (port 80) in namespace "shop"']);
      });
    });

    describe("routes whose namespace is an Output", () => {
      test("two routes in unknown namespaces to the same { name, port } conflict as an error", () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        new sdk.HostRoute("a", {
          gateway: gw,
          host: HOST,
          namespace: pulumi.output("team-a"),
          paths: [{ path: "/", service: { name: "x", port: 80 } }],
        });
        const error = errorOf(
          () =>
            new sdk.HostRoute("b", {
              gateway: gw,
              host: HOST,
              namespace: pulumi.output("team-b"),
              paths: [{ path: "/", service: { name: "x", port: 80 } }],
            }),
        );
        assert.equal(error.code, "ERR_ROUTE_CONFLICT", error.message);
        assertMentions(error.message, [
          'HostRoute "b"',
          'already routed to service x:80 in a namespace given as an Output by HostRoute "a"',
        ]);
        assertNoPlaceholder(error.message);
      });

      test("an unknown namespace and a known one to the same { name, port } conflict as an error", () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        new sdk.HostRoute("a", {
          gateway: gw,
          host: HOST,
          paths: [{ path: "/", service: { name: "x", port: 80 } }],
        });
        const error = errorOf(
          () =>
            new sdk.HostRoute("b", {
              gateway: gw,
              host: HOST,
              namespace: pulumi.output("default"),
              paths: [{ path: "/", service: { name: "x", port: 80 } }],
            }),
        );
        assert.equal(error.code, "ERR_ROUTE_CONFLICT", error.message);
      });

      test("two routes given the same namespace Output stay a duplicate (warning)", async () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        const namespace = pulumi.output("shop");
        const warnings = warningsOf(() => {
          for (const name of ["a", "b"]) {
            new sdk.HostRoute(name, {
              gateway: gw,
              host: HOST,
              namespace,
              paths: [{ path: "/", service: { name: "x", port: 80 } }],
            });
          }
        });
        assert.equal(warnings.length, 1, warnings.join("\n"));
        assert.match(warnings[0]!, /\[WARN_DUPLICATE_ROUTE\]$/);
        await settle();
        assert.equal(mocks.ofType(Types.ingress).length, 2);
      });

      test("two paths of one route in an unknown namespace to the same service are a duplicate, not a conflict", () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        const warnings = warningsOf(() => {
          new sdk.HostRoute("a", {
            gateway: gw,
            host: HOST,
            namespace: pulumi.output("shop"),
            paths: [
              { path: "/x", service: { name: "x", port: 80 } },
              { path: "/x/", service: { name: "x", port: 80 } },
            ],
          });
        });
        assert.equal(warnings.length, 1, warnings.join("\n"));
        assertMentions(warnings[0]!, [
          'paths[0] "/x" and paths[1] "/x/"',
          "service x:80 in a namespace given as an Output",
        ]);
      });
    });

    describe("a route that fails its check", () => {
      test("leaves none of its paths in the gateway's index", async () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        new sdk.HostRoute("a", {
          gateway: gw,
          host: HOST,
          paths: [{ path: "/a", service: { name: "a", port: 80 } }],
        });
        errorOf(
          () =>
            new sdk.HostRoute("bad", {
              gateway: gw,
              host: HOST,
              paths: [
                { path: "/a", service: { name: "bad", port: 80 } },
                { path: "/b", service: { name: "bad", port: 80 } },
              ],
            }),
        );
        assert.equal(registry.routeCount("public"), 1);
        // "/b" was only claimed by the route that failed: a later route may take it, with no warning either.
        const warnings = warningsOf(() => {
          new sdk.HostRoute("c", {
            gateway: gw,
            host: HOST,
            paths: [{ path: "/b", service: { name: "c", port: 80 } }],
          });
        });
        assert.deepEqual(warnings, []);
        assert.equal(registry.routeCount("public"), 2);
        await settle();
        assert.equal(mocks.ofType(Types.ingress).length, 2);
      });

      test("with a conflict among its own paths, leaves no path behind", () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        errorOf(
          () =>
            new sdk.HostRoute("bad", {
              gateway: gw,
              host: HOST,
              paths: [
                { path: "/x", service: { name: "one", port: 80 } },
                { path: "/x/", service: { name: "two", port: 80 } },
                { path: "/y", service: { name: "one", port: 80 } },
              ],
            }),
        );
        assert.equal(registry.routeCount("public"), 0);
        new sdk.HostRoute("ok", {
          gateway: gw,
          host: HOST,
          paths: [
            { path: "/x", service: { name: "three", port: 80 } },
            { path: "/y", service: { name: "three", port: 80 } },
          ],
        });
        assert.equal(registry.routeCount("public"), 1);
      });

      test("does not hide a conflict between two later routes on a path it claimed", () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        new sdk.HostRoute("a", {
          gateway: gw,
          host: HOST,
          paths: [{ path: "/a", service: { name: "a", port: 80 } }],
        });
        errorOf(
          () =>
            new sdk.HostRoute("bad", {
              gateway: gw,
              host: HOST,
              paths: [
                { path: "/a", service: { name: "bad", port: 80 } },
                { path: "/b", service: { name: "bad", port: 80 } },
              ],
            }),
        );
        new sdk.HostRoute("c", {
          gateway: gw,
          host: HOST,
          paths: [{ path: "/b", service: { name: "c", port: 80 } }],
        });
        const error = errorOf(
          () =>
            new sdk.HostRoute("d", {
              gateway: gw,
              host: HOST,
              paths: [{ path: "/b", service: { name: "d", port: 80 } }],
            }),
        );
        assert.equal(error.code, "ERR_ROUTE_CONFLICT");
        assertMentions(error.message, ['by HostRoute "c"']);
        assert.doesNotMatch(error.message, /HostRoute "bad"/);
      });

      test("that claimed a TLS host leaves the host free for another certificate", () => {
        const gw = new sdk.IngressGateway("public", { controller: "builtin" });
        new sdk.HostRoute("a", {
          gateway: gw,
          host: HOST,
          paths: [{ path: "/a", service: { name: "a", port: 80 } }],
        });
        errorOf(
          () =>
            new sdk.HostRoute("bad", {
              gateway: gw,
              host: HOST,
              tls: { secretName: "bad-tls" },
              paths: [{ path: "/a", service: { name: "bad", port: 80 } }],
            }),
        );
        new sdk.HostRoute("c", {
          gateway: gw,
          host: HOST,
          tls: { secretName: "shop-tls" },
          paths: [{ path: "/c", service: { name: "c", port: 80 } }],
        });
        assert.equal(registry.routeCount("public"), 2);
      });
    });
  });
}
