// How each controller kind writes the typed HostRoute options, and what it refuses (naming the controller).
import assert from "node:assert/strict";
import { before, beforeEach, describe, test } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { errorOf, settle, valueOf } from "../helpers/outputs";
import { installMocks, Types, type MockState, type Values } from "../helpers/pulumi-mocks";

type Sdk = typeof import("../../sdk/index.js");
let sdk: Sdk;
let mocks: MockState;
let registry: typeof import("../../sdk/components/route-registry.js");

before(async () => {
  mocks = await installMocks({ preview: true });
  sdk = await import("../../sdk/index.js");
  registry = await import("../../sdk/components/route-registry.js");
});
beforeEach(async () => {
  await settle();
  registry.resetRouteRegistry();
  mocks.reset();
});

const TYPED = {
  sslRedirect: true,
  rewriteTarget: "/",
  timeouts: { connect: 5, read: 60, send: 60 },
  maxBodySize: "10m",
} as const;

async function routeOn(
  controller: string,
  options: Partial<import("../../sdk/index.js").HostRouteArgs> = {},
  paths: import("../../sdk/index.js").HostRoutePath[] = [
    { path: "/api", service: { name: "api", port: 80 } },
  ],
): Promise<Values> {
  const gw = new sdk.IngressGateway("public", { controller });
  const route = new sdk.HostRoute("shop", { gateway: gw, host: "shop.example.com", paths, ...options });
  await settle(10);
  const inputs = mocks.one(Types.ingress, "shop").inputs as Values;
  // Annotations built from Outputs resolve later than registration: read them from the resource.
  inputs.metadata.annotations = await valueOf(route.ingress.metadata.annotations);
  return inputs;
}

describe("the Ingress every kind generates", () => {
  for (const controller of ["nginx", "ingress-nginx", "traefik", "haproxy", "builtin"]) {
    test(`${controller}: the Ingress uses spec.ingressClassName, never the legacy class annotation`, async () => {
      const ingress = await routeOn(controller, { tls: { secretName: "shop-tls" } });
      assert.equal(ingress.spec.ingressClassName, "public");
      assert.equal(ingress.metadata.annotations?.["kubernetes.io/ingress.class"], undefined);
      assert.deepEqual(ingress.spec.rules, [
        {
          host: "shop.example.com",
          http: {
            paths: [
              {
                path: "/api",
                pathType: "Prefix",
                backend: { service: { name: "api", port: { number: 80 } } },
              },
            ],
          },
        },
      ]);
      assert.deepEqual(ingress.spec.tls, [{ hosts: ["shop.example.com"], secretName: "shop-tls" }]);
    });
  }
});

describe("typed options per dialect", () => {
  test("nginx writes nginx.org annotations with durations and a per-service rewrite", async () => {
    const a = (await routeOn("nginx", { ...TYPED, backendProtocol: "HTTPS" })).metadata.annotations;
    assert.equal(a["ingress.kubernetes.io/ssl-redirect"], "true");
    assert.equal(a["nginx.org/rewrites"], "serviceName=api rewrite=/");
    assert.equal(a["nginx.org/ssl-services"], "api");
    assert.equal(a["nginx.org/proxy-connect-timeout"], "5s");
    assert.equal(a["nginx.org/proxy-read-timeout"], "60s");
    assert.equal(a["nginx.org/client-max-body-size"], "10m");
  });

  test("nginx refuses cookie affinity, an NGINX Plus feature, naming the controller", () => {
    const error = errorOf(() => {
      const gw = new sdk.IngressGateway("public", { controller: "nginx" });
      new sdk.HostRoute("shop", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/", service: { name: "web", port: 80 } }],
        sessionAffinity: "cookie",
      });
    });
    assert.equal(error.code, "ERR_UNSUPPORTED_OPTION");
    assert.match(error.message, /"sessionAffinity" cannot be expressed by controller "nginx"/);
    assert.match(error.message, /NGINX Plus/);
  });

  test("ingress-nginx writes nginx.ingress.kubernetes.io annotations and a prefix rewrite as regex paths", async () => {
    const ingress = await routeOn("ingress-nginx", {
      ...TYPED,
      backendProtocol: "GRPC",
      sessionAffinity: "cookie",
      sessionCookieName: "route",
    });
    const a = ingress.metadata.annotations;
    assert.equal(a["nginx.ingress.kubernetes.io/ssl-redirect"], "true");
    assert.equal(a["nginx.ingress.kubernetes.io/use-regex"], "true");
    assert.equal(a["nginx.ingress.kubernetes.io/rewrite-target"], "/$2");
    assert.equal(a["nginx.ingress.kubernetes.io/backend-protocol"], "GRPC");
    assert.equal(a["nginx.ingress.kubernetes.io/proxy-connect-timeout"], "5");
    assert.equal(a["nginx.ingress.kubernetes.io/proxy-body-size"], "10m");
    assert.equal(a["nginx.ingress.kubernetes.io/affinity"], "cookie");
    assert.equal(a["nginx.ingress.kubernetes.io/session-cookie-name"], "route");
    assert.deepEqual(ingress.spec.rules[0].http.paths[0], {
      path: "/api(/|$)(.*)",
      pathType: "ImplementationSpecific",
      backend: { service: { name: "api", port: { number: 80 } } },
    });
  });

  test("ingress-nginx refuses fractional seconds, naming the controller", () => {
    const error = errorOf(() => {
      const gw = new sdk.IngressGateway("public", { controller: "ingress-nginx" });
      new sdk.HostRoute("shop", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/", service: { name: "web", port: 80 } }],
        timeouts: { read: 2.5 },
      });
    });
    assert.equal(error.code, "ERR_UNSUPPORTED_OPTION");
    assert.match(error.message, /"timeouts.read" cannot be expressed by controller "ingress-nginx"/);
  });

  test("traefik turns sslRedirect, rewriteTarget and maxBodySize into Middlewares referenced by the router", async () => {
    const ingress = await routeOn("traefik", { sslRedirect: true, rewriteTarget: "/", maxBodySize: "1m" });
    const middlewares = mocks.ofType(Types.middleware);
    assert.deepEqual(middlewares.map((m) => m.name).sort(), [
      "shop-body-size",
      "shop-redirect",
      "shop-rewrite",
    ]);
    const spec = (name: string): Values => (mocks.one(Types.middleware, name).inputs as Values).spec;
    assert.deepEqual(spec("shop-redirect"), { redirectScheme: { scheme: "https", permanent: true } });
    assert.deepEqual(spec("shop-rewrite"), { stripPrefix: { prefixes: ["/api"] } });
    assert.deepEqual(spec("shop-body-size"), { buffering: { maxRequestBodyBytes: 1048576 } });
    assert.equal(
      ingress.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"],
      "default-shop-redirect-abc123@kubernetescrd,default-shop-rewrite-abc123@kubernetescrd,default-shop-body-size-abc123@kubernetescrd",
    );
  });

  test("traefik rewrites to a non-root target with replacePathRegex over all prefixes", async () => {
    await routeOn("traefik", { rewriteTarget: "/v2/" }, [
      { path: "/api", service: { name: "api", port: 80 } },
      { path: "/api/v1/", service: { name: "api", port: 80 } },
    ]);
    const spec = (mocks.one(Types.middleware, "shop-rewrite").inputs as Values).spec;
    assert.deepEqual(spec, { replacePathRegex: { regex: "^(?:/api/v1|/api)(/.*)?$", replacement: "/v2$1" } });
    const regex = new RegExp(spec.replacePathRegex.regex);
    assert.equal("/api/v1/users".replace(regex, "/v2$1"), "/v2/users");
    assert.equal("/api".replace(regex, "/v2$1"), "/v2");
  });

  for (const [option, value, annotation] of [
    ["backendProtocol", "HTTPS", "service.serversscheme"],
    ["timeouts", { connect: 5 }, "service.serverstransport"],
    ["sessionAffinity", "cookie", "service.sticky.cookie"],
  ] as const) {
    test(`traefik refuses ${option} for a { name, port } backend and names the Service annotation to use`, () => {
      const error = errorOf(() => {
        const gw = new sdk.IngressGateway("public", { controller: "traefik" });
        new sdk.HostRoute("shop", {
          gateway: gw,
          host: "shop.example.com",
          paths: [{ path: "/", service: { name: "web", port: 80 } }],
          [option]: value,
        });
      });
      assert.equal(error.code, "ERR_UNSUPPORTED_OPTION");
      assert.match(error.message, /controller "traefik"/);
      assert.ok(error.message.includes(`traefik.ingress.kubernetes.io/${annotation}`), error.message);
    });
  }

  test("traefik puts backend options on a companion of a Service resource: same selector and ports, plus annotations", async () => {
    const svc = new k8s.core.v1.Service("api", {
      spec: { selector: { app: "api" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
    });
    const ingress = await routeOn(
      "traefik",
      {
        backendProtocol: "HTTPS",
        timeouts: { connect: 5, read: 30 },
        sessionAffinity: "cookie",
        sessionCookieName: "ik",
      },
      [
        { path: "/api", service: svc },
        { path: "/v2", service: svc },
      ],
    );
    await settle(10);
    const companions = mocks.ofType(Types.service).filter((r) => r.name.startsWith("shop-traefik"));
    assert.equal(companions.length, 1, "one companion per backend Service");
    const companion = companions[0]!.inputs;
    assert.deepEqual(companion.spec.selector, { app: "api" });
    assert.deepEqual(companion.spec.ports, [{ name: "http", port: 80, targetPort: 8080 }]);
    const a = companion.metadata.annotations;
    assert.equal(a["traefik.ingress.kubernetes.io/service.serversscheme"], "https");
    assert.equal(a["traefik.ingress.kubernetes.io/service.sticky.cookie"], "true");
    assert.equal(a["traefik.ingress.kubernetes.io/service.sticky.cookie.name"], "ik");
    assert.equal(
      a["traefik.ingress.kubernetes.io/service.serverstransport"],
      "default-shop-transport-abc123@kubernetescrd",
    );
    const transport = mocks.one("kubernetes:traefik.io/v1alpha1:ServersTransport", "shop-transport").inputs;
    assert.deepEqual(transport.spec.forwardingTimeouts, {
      dialTimeout: "5s",
      responseHeaderTimeout: "30s",
      readIdleTimeout: "30s",
    });
    const backends = ingress.spec.rules[0].http.paths.map((p: Values) => p.backend.service);
    assert.deepEqual(backends, [
      { name: "shop-traefik-0-abc123", port: { number: 80 } },
      { name: "shop-traefik-0-abc123", port: { number: 80 } },
    ]);
  });

  test("traefik refuses timeouts.send, which its ServersTransport cannot express", () => {
    const error = errorOf(() => {
      const gw = new sdk.IngressGateway("public", { controller: "traefik" });
      const svc = new k8s.core.v1.Service("web", { spec: { ports: [{ port: 80 }] } });
      new sdk.HostRoute("shop", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/", service: svc }],
        timeouts: { send: 5 },
      });
    });
    assert.equal(error.code, "ERR_UNSUPPORTED_OPTION");
    assert.match(error.message, /"timeouts.send" cannot be expressed by controller "traefik"/);
  });

  test("haproxy writes haproxy.org annotations and a regex path-rewrite", async () => {
    const a = (
      await routeOn("haproxy", {
        sslRedirect: false,
        rewriteTarget: "/v2",
        backendProtocol: "GRPC",
        timeouts: { read: 30 },
      })
    ).metadata.annotations;
    assert.equal(a["haproxy.org/ssl-redirect"], "false");
    assert.equal(a["haproxy.org/path-rewrite"], "^(?:/api)/?(.*)$ /v2/\\1");
    assert.equal(a["haproxy.org/server-proto"], "h2");
    assert.equal(a["haproxy.org/timeout-server"], "30s");
  });

  test("haproxy refuses the options it reads only from its ConfigMap or Service, listing each", () => {
    const error = errorOf(() => {
      const gw = new sdk.IngressGateway("public", { controller: "haproxy" });
      new sdk.HostRoute("shop", {
        gateway: gw,
        host: "shop.example.com",
        paths: [{ path: "/", service: { name: "web", port: 80 } }],
        timeouts: { connect: 5, send: 5 },
        maxBodySize: "1m",
        sessionAffinity: "cookie",
      });
    });
    assert.deepEqual(error.codes, Array(4).fill("ERR_UNSUPPORTED_OPTION"));
    for (const option of ["maxBodySize", "sessionAffinity", "timeouts.connect", "timeouts.send"]) {
      assert.ok(error.message.includes(`"${option}" cannot be expressed by controller "haproxy"`), option);
    }
  });

  test("builtin writes the ingress-kit.dev dialect from sdk/builtin-dialect.ts", async () => {
    const { BuiltinAnnotations } = await import("../../sdk/builtin-dialect.js");
    const a = (
      await routeOn("builtin", {
        ...TYPED,
        backendProtocol: "HTTPS",
        sessionAffinity: "cookie",
        sessionCookieName: "ik",
      })
    ).metadata.annotations;
    assert.equal(a[BuiltinAnnotations.sslRedirect], "true");
    assert.equal(a[BuiltinAnnotations.rewriteTarget], "/");
    assert.equal(a[BuiltinAnnotations.connectTimeout], "5");
    assert.equal(a[BuiltinAnnotations.readTimeout], "60");
    assert.equal(a[BuiltinAnnotations.sendTimeout], "60");
    assert.equal(a[BuiltinAnnotations.maxBodySize], "10m");
    assert.equal(a[BuiltinAnnotations.backendProtocol], "HTTPS");
    assert.equal(a[BuiltinAnnotations.affinity], "cookie");
    assert.equal(a[BuiltinAnnotations.affinityCookieName], "ik");
  });

  test("migrating from ingress-nginx is one word: the same typed route works on every other kind", async () => {
    const options = { sslRedirect: true, maxBodySize: "8m" } as const;
    const rules: unknown[] = [];
    for (const controller of ["ingress-nginx", "nginx", "traefik", "builtin"]) {
      registry.resetRouteRegistry();
      mocks.reset();
      rules.push((await routeOn(controller, options)).spec.rules);
    }
    for (const r of rules.slice(1)) assert.deepEqual(r, rules[0]);
  });

  test("passthrough annotations are written as given and win over generated ones", async () => {
    const a = (
      await routeOn("builtin", {
        sslRedirect: true,
        annotations: { "ingress-kit.dev/ssl-redirect": "false", "example.com/team": "shop" },
      })
    ).metadata.annotations;
    assert.equal(a["ingress-kit.dev/ssl-redirect"], "false");
    assert.equal(a["example.com/team"], "shop");
  });
});

describe("gateways of another program", () => {
  test("a class name with controller given gets that controller's dialect, and its Middlewares wait for nothing", async () => {
    const route = new sdk.HostRoute("shop", {
      gateway: "edge",
      controller: "traefik",
      host: "shop.example.com",
      paths: [{ path: "/", service: { name: "web", port: 80 } }],
      sslRedirect: true,
    });
    await settle(10);
    assert.equal(mocks.ofType(Types.middleware).length, 1);
    const annotations = await valueOf(route.ingress.metadata.annotations);
    assert.equal(
      annotations["traefik.ingress.kubernetes.io/router.middlewares"],
      "default-shop-redirect-abc123@kubernetescrd",
    );
    assert.equal((mocks.one(Types.ingress, "shop").inputs as Values).spec.ingressClassName, "edge");
  });

  test("a controller that contradicts the gateway's own is refused", () => {
    const error = errorOf(() => {
      new sdk.IngressGateway("public", { controller: "nginx" });
      new sdk.HostRoute("shop", {
        gateway: "public",
        controller: "traefik",
        host: "shop.example.com",
        paths: [{ path: "/", service: { name: "web", port: 80 } }],
      });
    });
    assert.equal(error.code, "ERR_INVALID_GATEWAY");
    assert.match(error.message, /controller "traefik" does not match gateway "public", which runs "nginx"/);
  });
});

describe("Pulumi's Ingress await", () => {
  test("routes on a LoadBalancer builtin gateway keep the await: the controller publishes the address", async () => {
    const a = (await routeOn("builtin")).metadata.annotations ?? {};
    assert.equal(a["pulumi.com/skipAwait"], undefined);
  });

  test("routes on a gateway with awaitAddress: false skip the await", async () => {
    const gw = new sdk.IngressGateway("public", { controller: "builtin", awaitAddress: false });
    const route = new sdk.HostRoute("shop", {
      gateway: gw,
      host: "shop.example.com",
      paths: [{ path: "/", service: { name: "web", port: 80 } }],
    });
    assert.equal((await valueOf(route.ingress.metadata.annotations))["pulumi.com/skipAwait"], "true");
  });

  test("routes on a LoadBalancer gateway whose controller publishes status keep the await", async () => {
    const a = (await routeOn("traefik")).metadata.annotations ?? {};
    assert.equal(a["pulumi.com/skipAwait"], undefined);
  });

  test("routes on a NodePort gateway skip the await", async () => {
    const gw = new sdk.IngressGateway("public", { controller: "haproxy", service: { type: "NodePort" } });
    const route = new sdk.HostRoute("shop", {
      gateway: gw,
      host: "shop.example.com",
      paths: [{ path: "/", service: { name: "web", port: 80 } }],
    });
    assert.equal((await valueOf(route.ingress.metadata.annotations))["pulumi.com/skipAwait"], "true");
  });

  test("routes on a gateway of another program skip the await unless skipAwait: false", async () => {
    const skipped = new sdk.HostRoute("a", {
      gateway: "edge",
      host: "a.example.com",
      paths: [{ path: "/", service: { name: "web", port: 80 } }],
    });
    const waited = new sdk.HostRoute("b", {
      gateway: "edge",
      host: "b.example.com",
      paths: [{ path: "/", service: { name: "web", port: 80 } }],
      skipAwait: false,
    });
    assert.equal((await valueOf(skipped.ingress.metadata.annotations))["pulumi.com/skipAwait"], "true");
    assert.equal((await valueOf(waited.ingress.metadata.annotations))?.["pulumi.com/skipAwait"], undefined);
  });
});
