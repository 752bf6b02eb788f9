import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSnapshot } from "../../sdk/controller/snapshot";
import { EMPTY_CLUSTER_STATE, type ClusterState } from "../../sdk/controller/sources/objects";
import { makeCertificate } from "../helpers/certificates";
import { CLASS, endpointSlice, ingress, ingressClass, service, tlsSecret } from "../helpers/cluster-objects";

function state(parts: Partial<ClusterState>): ClusterState {
  return { ...EMPTY_CLUSTER_STATE, ingressClasses: [ingressClass()], ...parts };
}

const shop = ingress("shop", {
  rules: [{ host: "shop.example.com", paths: [{ path: "/", service: "web", port: 80 }] }],
});

describe("buildSnapshot", () => {
  it("resolves a numbered Service port through the EndpointSlice port of the same name to ready addresses", () => {
    const snapshot = buildSnapshot(
      state({
        ingresses: [shop],
        services: [service("web", [{ name: "http", port: 80 }])],
        endpointSlices: [
          endpointSlice(
            "web",
            [
              { address: "10.0.0.2" },
              { address: "10.0.0.1" },
              { address: "10.0.0.3", ready: false },
              { address: "10.0.0.4", ready: null },
            ],
            [
              { name: "http", port: 8080 },
              { name: "metrics", port: 9090 },
            ],
          ),
        ],
      }),
      { ingressClass: CLASS },
    );
    const route = snapshot.table.match("shop.example.com", "/cart");
    assert.ok(route);
    const target = snapshot.targets[route.id]!;
    assert.deepEqual(
      target.endpoints.map((e) => e.key),
      ["10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.4:8080"],
    );
    assert.equal(target.serviceLabel, "default/web:80");
    assert.equal(target.problem, null);
    assert.equal(snapshot.endpointCount, 3);
    assert.deepEqual(snapshot.unservable, []);
  });

  it("resolves a named Service port and an unnamed single port", () => {
    const named = ingress("named", {
      rules: [{ host: "a.example.com", paths: [{ path: "/", service: "web", port: "web" }] }],
    });
    const unnamed = ingress("unnamed", {
      rules: [{ host: "b.example.com", paths: [{ path: "/", service: "plain", port: 8000 }] }],
    });
    const snapshot = buildSnapshot(
      state({
        ingresses: [named, unnamed],
        services: [service("web", [{ name: "web", port: 80 }]), service("plain", [{ port: 8000 }])],
        endpointSlices: [
          endpointSlice("web", [{ address: "10.0.0.1" }], [{ name: "web", port: 3000 }]),
          endpointSlice("plain", [{ address: "10.0.0.9" }], [{ port: 8001 }]),
        ],
      }),
      { ingressClass: CLASS },
    );
    const a = snapshot.table.match("a.example.com", "/")!;
    const b = snapshot.table.match("b.example.com", "/")!;
    assert.deepEqual(
      snapshot.targets[a.id]!.endpoints.map((e) => e.key),
      ["10.0.0.1:3000"],
    );
    assert.deepEqual(
      snapshot.targets[b.id]!.endpoints.map((e) => e.key),
      ["10.0.0.9:8001"],
    );
  });

  it("reports a missing Service and a missing Service port while other routes keep their endpoints", () => {
    const broken = ingress("broken", {
      rules: [
        { host: "broken.example.com", paths: [{ path: "/", service: "missing" }] },
        { host: "port.example.com", paths: [{ path: "/", service: "web", port: 81 }] },
      ],
    });
    const snapshot = buildSnapshot(
      state({
        ingresses: [shop, broken],
        services: [service("web")],
        endpointSlices: [endpointSlice("web", [{ address: "10.0.0.1" }], [{ name: "http", port: 8080 }])],
      }),
      { ingressClass: CLASS },
    );
    assert.deepEqual(
      snapshot.unservable.map((u) => [u.namespace, u.name, u.code]),
      [
        ["default", "broken", "ERR_SERVICE_NOT_FOUND"],
        ["default", "broken", "ERR_SERVICE_PORT_NOT_FOUND"],
      ],
    );
    assert.match(snapshot.unservable[0]!.message, /"default\/missing"/);
    const ok = snapshot.table.match("shop.example.com", "/")!;
    assert.equal(snapshot.targets[ok.id]!.endpoints.length, 1);
    const missing = snapshot.table.match("broken.example.com", "/")!;
    assert.equal(snapshot.targets[missing.id]!.problem?.code, "ERR_SERVICE_NOT_FOUND");
  });

  it("reports Ingresses the matcher skipped", () => {
    const bad = ingress("bad", {
      rules: [{ host: "-bad-.example.com", paths: [{ path: "/", service: "web" }] }],
    });
    const snapshot = buildSnapshot(state({ ingresses: [shop, bad], services: [service("web")] }), {
      ingressClass: CLASS,
    });
    assert.equal(snapshot.unservable.length, 1);
    assert.equal(snapshot.unservable[0]!.name, "bad");
    assert.equal(snapshot.unservable[0]!.code, "ERR_INVALID_HOST");
    assert.ok(snapshot.table.match("shop.example.com", "/"));
  });

  it("serves only Ingresses of its class, and class-less ones when its IngressClass is the default", () => {
    const other = ingress("other", {
      className: "nginx",
      rules: [{ host: "other.example.com", paths: [{ path: "/", service: "web" }] }],
    });
    const classless = ingress("classless", {
      className: null,
      rules: [{ host: "none.example.com", paths: [{ path: "/", service: "web" }] }],
    });
    const parts = { ingresses: [shop, other, classless], services: [service("web")] };
    const plain = buildSnapshot(state(parts), { ingressClass: CLASS });
    assert.deepEqual(
      plain.table.ingresses.map((r) => r.name),
      ["shop"],
    );
    const byDefault = buildSnapshot(
      state({ ...parts, ingressClasses: [ingressClass(CLASS, { isDefault: true })] }),
      {
        ingressClass: CLASS,
      },
    );
    assert.deepEqual(byDefault.table.ingresses.map((r) => r.name).sort(), ["classless", "shop"]);
  });

  it("serves nothing when the IngressClass belongs to another controller, and warns", () => {
    const snapshot = buildSnapshot(
      state({
        ingresses: [shop],
        ingressClasses: [ingressClass(CLASS, { controller: "k8s.io/ingress-nginx" })],
      }),
      { ingressClass: CLASS },
    );
    assert.equal(snapshot.routeCount, 0);
    assert.match(snapshot.warnings.join("\n"), /names controller "k8s.io\/ingress-nginx"/);
  });

  it("loads TLS secrets as contexts, reuses unchanged ones, and reports missing or broken secrets", () => {
    const certificate = makeCertificate("shop.example.com");
    const other = makeCertificate("other.example.com");
    const tlsIngress = ingress("tls", {
      rules: [
        { host: "shop.example.com", paths: [{ path: "/", service: "web" }] },
        { host: "gone.example.com", paths: [{ path: "/", service: "web" }] },
        { host: "broken.example.com", paths: [{ path: "/", service: "web" }] },
      ],
      tls: [
        { hosts: ["shop.example.com"], secretName: "shop-tls" },
        { hosts: ["gone.example.com"], secretName: "gone-tls" },
        { hosts: ["broken.example.com"], secretName: "broken-tls" },
      ],
    });
    const secrets = [
      tlsSecret("shop-tls", certificate.cert, certificate.key),
      tlsSecret("broken-tls", certificate.cert, other.key),
    ];
    const first = buildSnapshot(state({ ingresses: [tlsIngress], services: [service("web")], secrets }), {
      ingressClass: CLASS,
    });
    assert.ok(first.tls.get("default/shop-tls"));
    assert.deepEqual(
      first.unservable.map((u) => [u.name, u.code]),
      [
        ["tls", "ERR_INVALID_TLS_SECRET"],
        ["tls", "ERR_TLS_SECRET_NOT_FOUND"],
      ],
    );
    assert.doesNotMatch(JSON.stringify(first.unservable), /PRIVATE KEY|BEGIN/);
    const second = buildSnapshot(state({ ingresses: [tlsIngress], services: [service("web")], secrets }), {
      ingressClass: CLASS,
      previous: first,
    });
    assert.equal(second.version, first.version + 1);
    assert.equal(second.tls.get("default/shop-tls"), first.tls.get("default/shop-tls"));
  });

  it("parses route options from annotations and warns about invalid values", () => {
    const annotated = ingress("annotated", {
      annotations: {
        "ingress-kit.dev/rewrite-target": "/",
        "ingress-kit.dev/read-timeout": "2.5",
        "ingress-kit.dev/max-body-size": "10k",
        "ingress-kit.dev/load-balance": "fastest",
        "ingress-kit.dev/affinity": "cookie",
      },
      rules: [{ host: "a.example.com", paths: [{ path: "/api", service: "web" }] }],
    });
    const snapshot = buildSnapshot(state({ ingresses: [annotated], services: [service("web")] }), {
      ingressClass: CLASS,
    });
    const options = snapshot.targets[0]!.options;
    assert.equal(options.rewriteTarget, "/");
    assert.equal(options.readTimeoutMs, 2500);
    assert.equal(options.maxBodyBytes, 10 * 1024);
    assert.equal(options.loadBalance, "round-robin");
    assert.equal(options.affinityCookie, "INGRESSKIT");
    assert.match(snapshot.warnings.join("\n"), /ingress-kit\.dev\/load-balance: "fastest"/);
  });
});
