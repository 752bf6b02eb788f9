// The bad-input table for HostRoute and IngressGateway, run once in preview mode and once in update mode
// (validation-preview.test.ts, validation-update.test.ts): the same errors must appear in both.
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { errorOf, settle } from "../helpers/outputs";
import { installMocks, type MockState } from "../helpers/pulumi-mocks";

type Sdk = typeof import("../../sdk/index.js");
type Registry = typeof import("../../sdk/components/route-registry.js");

interface Case {
  readonly name: string;
  /** Builds the program; the last construction must throw. */
  readonly build: (sdk: Sdk) => void;
  readonly code: string;
  /** Quoted offenders and key words the message must contain. */
  readonly mentions: readonly string[];
}

const svc = (name: string, port: number | string = 80) => ({ name, port });

const CASES: readonly Case[] = [
  {
    name: "an empty host fails with ERR_INVALID_HOST",
    build: ({ IngressGateway, HostRoute }) => {
      const gw = new IngressGateway("public", { controller: "nginx" });
      new HostRoute("shop", { gateway: gw, host: "", paths: [{ path: "/", service: svc("web") }] });
    },
    code: "ERR_INVALID_HOST",
    mentions: ['HostRoute "shop"', "host", '""'],
  },
  {
    name: "a wildcard that is not the whole leftmost label fails with ERR_INVALID_HOST",
    build: ({ IngressGateway, HostRoute }) => {
      const gw = new IngressGateway("public", { controller: "nginx" });
      new HostRoute("shop", {
        gateway: gw,
        host: "api.*.example.com",
        paths: [{ path: "/", service: svc("web") }],
      });
    },
    code: "ERR_INVALID_HOST",
    mentions: ['HostRoute "shop"', '"api.*.example.com"', "*.example.com"],
  },
  {
    name: "a path without a leading slash fails with ERR_INVALID_PATH",
    build: ({ IngressGateway, HostRoute }) => {
      const gw = new IngressGateway("public", { controller: "traefik" });
      new HostRoute("shop", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "api", service: svc("web") }],
      });
    },
    code: "ERR_INVALID_PATH",
    mentions: ["paths[0].path", '"api"', '"/api"'],
  },
  {
    name: "port 0 fails with ERR_INVALID_BACKEND",
    build: ({ IngressGateway, HostRoute }) => {
      const gw = new IngressGateway("public", { controller: "haproxy" });
      new HostRoute("shop", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/", service: svc("web", 0) }],
      });
    },
    code: "ERR_INVALID_BACKEND",
    mentions: ["paths[0].service.port", " 0 ", "1 to 65535"],
  },
  {
    name: "a Service name that is not a string fails with ERR_INVALID_BACKEND",
    build: ({ IngressGateway, HostRoute }) => {
      const gw = new IngressGateway("public", { controller: "nginx" });
      new HostRoute("shop", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/", service: { name: 42 as unknown as string, port: 80 } }],
      });
    },
    code: "ERR_INVALID_BACKEND",
    mentions: ["paths[0].service.name 42", "is not a string"],
  },
  {
    name: "port 70000 fails with ERR_INVALID_BACKEND",
    build: ({ IngressGateway, HostRoute }) => {
      const gw = new IngressGateway("public", { controller: "builtin" });
      new HostRoute("shop", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/", service: svc("web", 70000) }],
      });
    },
    code: "ERR_INVALID_BACKEND",
    mentions: ["paths[0].service.port", "70000", "1 to 65535"],
  },
  {
    name: "an unknown controller fails with ERR_UNKNOWN_CONTROLLER and lists the valid ones",
    build: ({ IngressGateway }) => {
      new IngressGateway("public", { controller: "envoy" });
    },
    code: "ERR_UNKNOWN_CONTROLLER",
    mentions: [
      'IngressGateway "public"',
      '"envoy"',
      '"nginx"',
      '"ingress-nginx"',
      '"traefik"',
      '"haproxy"',
      '"builtin"',
    ],
  },
  {
    name: "a gateway from another stack passed as an Output fails with ERR_INVALID_GATEWAY",
    build: ({ HostRoute }) => {
      const fromOtherStack = pulumi.output("public") as unknown as string;
      new HostRoute("shop", {
        gateway: fromOtherStack,
        host: "shop.example.com",
        paths: [{ path: "/", service: svc("web") }],
      });
    },
    code: "ERR_INVALID_GATEWAY",
    mentions: ['HostRoute "shop"', "Output", "StackReference", "plain string"],
  },
  {
    name: "a gateway of another stack named by class, with typed options but no controller, fails with ERR_INVALID_GATEWAY",
    build: ({ HostRoute }) => {
      new HostRoute("shop", {
        gateway: "edge",
        host: "shop.example.com",
        paths: [{ path: "/", service: svc("web") }],
        sslRedirect: true,
      });
    },
    code: "ERR_INVALID_GATEWAY",
    mentions: ['gateway "edge"', '"sslRedirect"', 'controller: "<kind>"'],
  },
  {
    name: "an unknown controller on a route fails with ERR_UNKNOWN_CONTROLLER",
    build: ({ HostRoute }) => {
      new HostRoute("shop", {
        gateway: "edge",
        controller: "istio",
        host: "shop.example.com",
        paths: [{ path: "/", service: svc("web") }],
      });
    },
    code: "ERR_UNKNOWN_CONTROLLER",
    mentions: ['"istio"'],
  },
  {
    name: "a route that conflicts with another route of the gateway names both routes, the host and the path",
    build: ({ IngressGateway, HostRoute }) => {
      const gw = new IngressGateway("public", { controller: "nginx" });
      new HostRoute("catalog", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/api", service: svc("catalog") }],
      });
      new HostRoute("billing", {
        gateway: "public",
        host: "shop.example.com",
        paths: [{ path: "/api", service: svc("billing") }],
      });
    },
    code: "ERR_ROUTE_CONFLICT",
    mentions: [
      'HostRoute "billing": path "/api" (Prefix) on host "shop.example.com" is already routed to service default/catalog:80 by HostRoute "catalog" on gateway "public". Give one route a different path, or remove one.',
    ],
  },
  {
    name: "a trailing slash does not make another Prefix path, so /api/ conflicts with /api",
    build: ({ IngressGateway, HostRoute }) => {
      const gw = new IngressGateway("public", { controller: "traefik" });
      new HostRoute("a", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/api", service: svc("one") }],
      });
      new HostRoute("b", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/api/", service: svc("two") }],
      });
    },
    code: "ERR_ROUTE_CONFLICT",
    mentions: ['HostRoute "b"', 'HostRoute "a"', "default/one:80", '"shop.example.com"'],
  },
  {
    name: "two self-signed routes of one host on one gateway fail with ERR_TLS_CONFLICT",
    build: ({ IngressGateway, HostRoute }) => {
      const gw = new IngressGateway("public", { controller: "builtin" });
      new HostRoute("a", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/a", service: svc("one") }],
        tls: { selfSigned: true },
      });
      new HostRoute("b", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/b", service: svc("two") }],
        tls: { secretName: "shop-tls" },
      });
    },
    code: "ERR_TLS_CONFLICT",
    mentions: ['HostRoute "b"', 'HostRoute "a"', 'secret "shop-tls"', "tls.secretName"],
  },
  {
    name: "two gateways may not own the same IngressClass",
    build: ({ IngressGateway }) => {
      new IngressGateway("public", { controller: "nginx" });
      new IngressGateway("public-2", { controller: "traefik", ingressClassName: "public" });
    },
    code: "ERR_DUPLICATE_INGRESS_CLASS",
    mentions: ['IngressClass "public"', 'IngressGateway "public"'],
  },
  {
    name: "GRPC on the builtin controller fails naming the controller",
    build: ({ IngressGateway, HostRoute }) => {
      const gw = new IngressGateway("internal", { controller: "builtin" });
      new HostRoute("rpc", {
        gateway: gw,
        host: "rpc.example.com",
        paths: [{ path: "/", service: svc("rpc") }],
        backendProtocol: "GRPC",
      });
    },
    code: "ERR_UNSUPPORTED_OPTION",
    mentions: ['"backendProtocol"', 'controller "builtin"', "GRPC"],
  },
  {
    name: "a pathType Kubernetes does not know fails with ERR_INVALID_PATH_TYPE",
    build: ({ IngressGateway, HostRoute }) => {
      const gw = new IngressGateway("public", { controller: "nginx" });
      new HostRoute("shop", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/", pathType: "Regex", service: svc("web") }],
      });
    },
    code: "ERR_INVALID_PATH_TYPE",
    mentions: ['"Regex"', '"Prefix"'],
  },
  {
    name: "a host passed as an Output fails, because the check could not run at preview",
    build: ({ IngressGateway, HostRoute }) => {
      const gw = new IngressGateway("public", { controller: "nginx" });
      new HostRoute("shop", {
        gateway: gw,
        host: pulumi.output("shop.example.com") as unknown as string,
        paths: [{ path: "/", service: svc("web") }],
      });
    },
    code: "ERR_INVALID_HOST",
    mentions: ["host is an Output", "plain string"],
  },
  {
    name: "an invalid option value fails with ERR_INVALID_ARGUMENT",
    build: ({ IngressGateway, HostRoute }) => {
      const gw = new IngressGateway("public", { controller: "nginx" });
      new HostRoute("shop", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/", service: svc("web") }],
        maxBodySize: "ten megs",
      });
    },
    code: "ERR_INVALID_ARGUMENT",
    mentions: ['maxBodySize "ten megs"', '"10m"'],
  },
  {
    name: "a gateway Service type Kubernetes does not know fails with ERR_INVALID_ARGUMENT",
    build: ({ IngressGateway }) => {
      new IngressGateway("public", { controller: "haproxy", service: { type: "ExternalName" } });
    },
    code: "ERR_INVALID_ARGUMENT",
    mentions: ['service.type "ExternalName"', '"LoadBalancer"'],
  },
  {
    name: "an image for a chart-based controller is refused, naming the controller that takes one",
    build: ({ IngressGateway }) => {
      new IngressGateway("public", { controller: "traefik", image: "traefik:v3" });
    },
    code: "ERR_INVALID_ARGUMENT",
    mentions: ['image is for controller "builtin"', '"traefik"'],
  },
  {
    name: "an IngressClass name that is not a DNS label is refused",
    build: ({ IngressGateway }) => {
      new IngressGateway("public", { controller: "nginx", ingressClassName: "Public_Class" });
    },
    code: "ERR_INVALID_ARGUMENT",
    mentions: ['ingressClassName "Public_Class"'],
  },
];

/** Registers the table's tests for one mode. */
export function describeValidation(mode: "preview" | "update"): void {
  let sdk: Sdk;
  let registry: Registry;
  let mocks: MockState;

  describe(`bad input fails before any child is created (${mode})`, () => {
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

    for (const c of CASES) {
      test(c.name, () => {
        const error = errorOf(() => c.build(sdk));
        assert.equal(
          pulumi.ResourceError.isInstance(error as unknown),
          true,
          `not a ResourceError: ${error.message}`,
        );
        assert.equal(error.code, c.code, error.message);
        for (const mention of c.mentions) {
          assert.ok(
            error.message.includes(mention),
            `message lacks ${JSON.stringify(mention)}:\n${error.message}`,
          );
        }
      });
    }

    test("a failing gateway creates no child", async () => {
      errorOf(() => new sdk.IngressGateway("public", { controller: "nginx", replicas: 0 }));
      await settle();
      assert.deepEqual(
        mocks.resources.filter((r) => r.type !== "ingress-kit:index:IngressGateway").map((r) => r.type),
        [],
      );
    });

    test("a failing route creates no Ingress", () => {
      errorOf(() => CASES[0]!.build(sdk));
      assert.equal(mocks.ofType("kubernetes:networking.k8s.io/v1:Ingress").length, 0);
    });
  });
}
