import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileRoutes } from "../../sdk/matcher";
import { backend, ingress, rule, served } from "../helpers/ingress-builders";

describe("compileRoutes: host selection", () => {
  const table = compileRoutes([
    ingress("hosts", [
      rule("foo.bar.com", { service: "exact" }),
      rule("*.bar.com", { service: "wildcard" }, { path: "/only-wild", service: "wild-only" }),
      rule(undefined, { path: "/", service: "any-host" }),
    ]),
  ]);
  const cases: [string, string, string, string | null][] = [
    ["an exact host wins over a wildcard", "foo.bar.com", "/", "exact"],
    ["hosts compare case-insensitively", "FOO.Bar.COM", "/", "exact"],
    ["the port is ignored", "foo.bar.com:8080", "/", "exact"],
    ["a trailing dot is ignored", "foo.bar.com.", "/", "exact"],
    ["a wildcard covers one label", "baz.bar.com", "/", "wildcard"],
    ["a wildcard does not cover two labels", "a.baz.bar.com", "/", "any-host"],
    ["a wildcard does not cover the bare domain", "bar.com", "/", "any-host"],
    ["rules without a host serve unknown hosts", "other.example", "/x", "any-host"],
    ["an IP address Host header goes to rules without a host", "10.0.0.1:80", "/", "any-host"],
    // Host first: the exact host owns the request even where only the wildcard has the path.
    ["an exact host does not fall through to the wildcard's paths", "foo.bar.com", "/only-wild", "exact"],
  ];
  for (const [name, host, path, expected] of cases) {
    it(`${name} (${host}${path})`, () => assert.equal(served(table.match(host, path)), expected));
  }
});

describe("compileRoutes: path precedence", () => {
  const table = compileRoutes([
    ingress("paths", [
      rule(
        "shop.example.com",
        { path: "/", service: "root" },
        { path: "/api", service: "api-prefix" },
        { path: "/api", pathType: "Exact", service: "api-exact" },
        { path: "/api/v1/", service: "v1" },
        { path: "/static", pathType: "ImplementationSpecific", service: "static" },
      ),
    ]),
  ]);
  const cases: [string, string, string | null][] = [
    ["Exact wins a tie with Prefix", "/api", "api-exact"],
    ["Prefix /api matches /api/ (Exact does not)", "/api/", "api-prefix"],
    ["the longest matching prefix wins", "/api/v1/users", "v1"],
    ["a trailing slash on the rule is ignored", "/api/v1", "v1"],
    ["Prefix /api does not match /apix", "/apix", "root"],
    ["ImplementationSpecific matches as Prefix", "/static/app.js", "static"],
    ["the query string is ignored", "/api/v1?x=1", "v1"],
    ["dot segments are resolved before matching", "/static/../api/v1/x", "v1"],
    ["encoded dot segments are resolved before matching", "/static/%2e%2e/api/v1", "v1"],
    ["duplicate slashes are merged before matching", "//api//v1", "v1"],
  ];
  for (const [name, path, expected] of cases) {
    it(`${name} (${path})`, () => assert.equal(served(table.match("shop.example.com", path)), expected));
  }

  it("returns the rule that matched, with its ingress, host, path and pathType", () => {
    const match = table.match("shop.example.com", "/api");
    assert.deepEqual(
      {
        ingress: match?.ingress,
        host: match?.host,
        path: match?.path,
        pathType: match?.pathType,
        kind: match?.kind,
      },
      {
        ingress: { namespace: "default", name: "paths" },
        host: "shop.example.com",
        path: "/api",
        pathType: "Exact",
        kind: "rule",
      },
    );
    assert.equal(table.routes[match!.id], match);
  });
});

describe("compileRoutes: rule paths and request paths compare in one encoding", () => {
  const table = compileRoutes([
    ingress("encoded", [
      rule(
        "e.example.com",
        { path: "/café", service: "cafe" },
        { path: "/%7Euser", pathType: "Exact", service: "tilde" },
        { path: "/a%2fb", pathType: "Exact", service: "encoded-slash" },
      ),
    ]),
  ]);
  const cases: [string, string, string | null][] = [
    ["a non-ASCII rule matches the request a client sends", "/caf%C3%A9/menu", "cafe"],
    ["a non-ASCII rule matches a raw request too", "/café", "cafe"],
    ["an encoded unreserved character in a rule matches its decoded form", "/~user", "tilde"],
    ["lower-case hex in a rule matches upper-case hex in a request", "/a%2Fb", "encoded-slash"],
    ["an encoded slash is not a separator", "/a/b", null],
  ];
  for (const [name, path, expected] of cases) {
    it(`${name} (${path})`, () => assert.equal(served(table.match("e.example.com", path)), expected));
  }
});

describe("compileRoutes: rules merged across Ingress objects", () => {
  const older = ingress("zeta", [rule("shop.example.com", { path: "/cart", service: "cart-old" })], {
    created: "2024-01-01T00:00:00Z",
  });
  const newer = ingress(
    "alpha",
    [rule("shop.example.com", { path: "/cart", service: "cart-new" }, { path: "/pay", service: "pay" })],
    {
      created: "2025-01-01T00:00:00Z",
    },
  );

  it("merges the paths of one host from several Ingresses", () => {
    const table = compileRoutes([older, newer]);
    assert.equal(served(table.match("shop.example.com", "/pay")), "pay");
  });

  it("gives a contested route to the oldest Ingress, whatever the input order", () => {
    assert.equal(served(compileRoutes([older, newer]).match("shop.example.com", "/cart")), "cart-old");
    assert.equal(served(compileRoutes([newer, older]).match("shop.example.com", "/cart")), "cart-old");
  });

  it("breaks a timestamp tie by namespace, then name", () => {
    const a = ingress("a", [rule("x.example.com", { service: "from-a" })], { namespace: "team-b" });
    const b = ingress("b", [rule("x.example.com", { service: "from-b" })], { namespace: "team-a" });
    assert.equal(served(compileRoutes([a, b]).match("x.example.com", "/")), "from-b");
    assert.equal(served(compileRoutes([b, a]).match("x.example.com", "/")), "from-b");
  });

  it("resolves each backend in its own Ingress's namespace", () => {
    const table = compileRoutes([
      ingress("web", [rule("w.example.com", { service: "web" })], { namespace: "frontend" }),
    ]);
    assert.equal(table.match("w.example.com", "/")?.ingress.namespace, "frontend");
  });
});

describe("compileRoutes: default backend", () => {
  const table = compileRoutes([
    ingress("with-default", [rule("a.example.com", { path: "/app", service: "app" })], {
      defaultBackend: backend("fallback", 8080),
    }),
  ]);

  it("serves what no rule matches", () => {
    const match = table.match("unknown.example.com", "/");
    assert.equal(match?.kind, "defaultBackend");
    assert.deepEqual(match?.backend, backend("fallback", 8080));
  });

  it("serves a known host's unmatched path", () => {
    assert.equal(served(table.match("a.example.com", "/other")), "fallback");
  });

  it("returns null without a default backend when nothing matches", () => {
    const bare = compileRoutes([ingress("bare", [rule("a.example.com", { path: "/app", service: "app" })])]);
    assert.equal(bare.match("a.example.com", "/other"), null);
    assert.equal(bare.match("b.example.com", "/app"), null);
  });

  it("uses the oldest Ingress's default backend when several set one", () => {
    const table2 = compileRoutes([
      ingress("new", [], { defaultBackend: backend("new-default"), created: "2025-01-01T00:00:00Z" }),
      ingress("old", [], { defaultBackend: backend("old-default"), created: "2020-01-01T00:00:00Z" }),
    ]);
    assert.equal(served(table2.match("x", "/")), "old-default");
  });
});

describe("compileRoutes: ingress class", () => {
  const objects = [
    ingress("by-field", [rule("field.example.com", { service: "field" })], { ingressClassName: "public" }),
    ingress("by-annotation", [rule("legacy.example.com", { service: "legacy" })], {
      annotations: { "kubernetes.io/ingress.class": "public" },
    }),
    ingress("no-class", [rule("none.example.com", { service: "none" })]),
    ingress("other", [rule("other.example.com", { service: "other" })], { ingressClassName: "internal" }),
    ingress("field-wins", [rule("both.example.com", { service: "both" })], {
      ingressClassName: "internal",
      annotations: { "kubernetes.io/ingress.class": "public" },
    }),
  ];

  it("selects Ingresses by spec.ingressClassName and by the legacy annotation", () => {
    const table = compileRoutes(objects, { ingressClass: "public" });
    assert.equal(served(table.match("field.example.com", "/")), "field");
    assert.equal(served(table.match("legacy.example.com", "/")), "legacy");
    assert.equal(table.match("other.example.com", "/"), null);
  });

  it("leaves Ingresses without a class out unless the class is the default", () => {
    assert.equal(compileRoutes(objects, { ingressClass: "public" }).match("none.example.com", "/"), null);
    assert.equal(
      served(
        compileRoutes(objects, { ingressClass: "public", isDefaultClass: true }).match(
          "none.example.com",
          "/",
        ),
      ),
      "none",
    );
  });

  it("lets spec.ingressClassName win over the legacy annotation", () => {
    assert.equal(compileRoutes(objects, { ingressClass: "public" }).match("both.example.com", "/"), null);
    assert.equal(
      served(compileRoutes(objects, { ingressClass: "internal" }).match("both.example.com", "/")),
      "both",
    );
  });

  it("considers every Ingress when no class is selected", () => {
    const table = compileRoutes(objects);
    assert.equal(table.ingresses.length, objects.length);
  });
});

describe("compileRoutes: TLS", () => {
  const table = compileRoutes([
    ingress(
      "tls",
      [rule("shop.example.com", { service: "shop" }), rule("*.example.com", { service: "wild" })],
      {
        tls: [
          { hosts: ["shop.example.com"], secretName: "shop-tls" },
          { hosts: ["*.example.com"], secretName: "wildcard-tls" },
        ],
        namespace: "web",
      },
    ),
    ingress("tls-no-hosts", [rule("api.internal", { service: "api" })], { tls: [{ secretName: "api-tls" }] }),
  ]);
  const cases: [string, string | null][] = [
    ["shop.example.com", "shop-tls"],
    ["SHOP.example.com.", "shop-tls"],
    ["blog.example.com", "wildcard-tls"],
    ["a.blog.example.com", null],
    ["example.com", null],
    ["api.internal", "api-tls"],
    ["", null],
  ];
  for (const [serverName, secret] of cases) {
    it(`serves SNI ${JSON.stringify(serverName)} from ${secret ?? "no secret"}`, () => {
      assert.equal(table.tlsSecretFor(serverName)?.secretName ?? null, secret);
    });
  }
  it("names the secret's namespace (the Ingress's)", () => {
    assert.deepEqual(
      { ...table.tlsSecretFor("shop.example.com") },
      {
        namespace: "web",
        secretName: "shop-tls",
        host: "shop.example.com",
        ingress: { namespace: "web", name: "tls" },
      },
    );
  });
});

describe("compileRoutes: bad input loses nothing", () => {
  const good = ingress("good", [rule("good.example.com", { service: "good" })]);
  const badHost = ingress("bad-host", [rule("*.*.example.com", { service: "bad" })]);
  const badPath = ingress("bad-path", [rule("bad.example.com", { path: "no-slash", service: "bad" })]);

  it("skips an invalid Ingress, reports why, and keeps serving the good ones", () => {
    const table = compileRoutes([badHost, good, badPath]);
    assert.equal(served(table.match("good.example.com", "/")), "good");
    assert.deepEqual(
      table.skipped.map((s) => [s.ingress.name, s.problems.map((p) => p.code)]),
      [
        ["bad-host", ["ERR_INVALID_HOST"]],
        ["bad-path", ["ERR_INVALID_PATH"]],
      ],
    );
  });

  it("ignores non-Ingress objects and survives junk values", () => {
    const junk = [
      null,
      42,
      "text",
      [],
      { kind: "Service", metadata: { name: "svc" } },
      { kind: "Ingress" },
      good,
    ];
    const table = compileRoutes(junk as unknown[]);
    assert.equal(served(table.match("good.example.com", "/")), "good");
  });

  it("never throws from match, whatever the request", () => {
    const table = compileRoutes([good]);
    for (const [host, path] of [
      ["", ""],
      ["\u0000", "\u0000"],
      ["good.example.com", "/%"],
      ["good.example.com", "/a/" + "../".repeat(1000)],
      [undefined, undefined],
    ]) {
      assert.doesNotThrow(() => table.match(host as string, path as string));
    }
  });

  it("routes a 10 MB request path quickly", () => {
    const table = compileRoutes([
      ingress("deep", [
        rule("x.example.com", { path: "/a", service: "a" }, { path: "/a/b/c", service: "abc" }),
      ]),
    ]);
    const huge = "/a/b/c/" + "x/".repeat(5_000_000);
    const started = process.hrtime.bigint();
    assert.equal(served(table.match("x.example.com", huge)), "abc");
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 2000, `took ${ms} ms`);
  });

  it("rejects a 10 MB rule path with a clear problem instead of compiling it", () => {
    const table = compileRoutes([
      ingress("huge", [rule("x.example.com", { path: "/" + "a".repeat(10 * 1024 * 1024), service: "a" })]),
    ]);
    assert.equal(table.skipped[0]?.problems[0]?.code, "ERR_INVALID_PATH");
    assert.match(table.skipped[0]!.problems[0]!.message, /10485761 characters long; the limit is 8192/);
    assert.ok(
      table.skipped[0]!.problems[0]!.message.length < 600,
      "the message quotes a bounded part of the path",
    );
  });

  it("compiles 100,000 rules on one host and still picks the longest match", () => {
    const paths = Array.from({ length: 100_000 }, (_, i) => ({ path: `/p${i}`, service: `s${i % 10}` }));
    const table = compileRoutes([ingress("many", [rule("many.example.com", ...paths)])]);
    assert.equal(table.routes.length, 100_000);
    assert.equal(served(table.match("many.example.com", "/p99999/x")), "s9");
    assert.equal(table.match("many.example.com", "/q"), null);
  });

  it("does not freeze or keep the caller's objects", () => {
    const input = ingress("mine", [rule("m.example.com", { service: "m" })]);
    compileRoutes([input]);
    assert.equal(Object.isFrozen(input.spec!.rules![0]!.http!.paths![0]!.backend), false);
  });

  it("returns frozen tables and routes", () => {
    const table = compileRoutes([good]);
    assert.ok(Object.isFrozen(table));
    assert.ok(Object.isFrozen(table.routes[0]));
    assert.throws(() => (table.routes as unknown[]).push(1));
  });
});
