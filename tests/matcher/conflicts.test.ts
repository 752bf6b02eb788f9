import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createConflictIndex, findConflicts } from "../../sdk/matcher";
import { backend, ingress, rule } from "../helpers/ingress-builders";

const names = (refs: readonly { namespace: string; name: string }[]) =>
  refs.map((r) => `${r.namespace}/${r.name}`);

describe("findConflicts: conflicts", () => {
  it("reports one host + path + pathType routed to different backends, naming both objects", () => {
    const conflicts = findConflicts([
      ingress("catalog", [rule("shop.example.com", { path: "/api", service: "catalog" })], {
        created: "2024-01-01T00:00:00Z",
      }),
      ingress("billing", [rule("shop.example.com", { path: "/api", service: "billing" })], {
        created: "2025-01-01T00:00:00Z",
      }),
    ]);
    assert.equal(conflicts.length, 1);
    const [conflict] = conflicts;
    assert.equal(conflict!.code, "ERR_ROUTE_CONFLICT");
    assert.equal(conflict!.severity, "error");
    assert.deepEqual(names(conflict!.objects), ["default/catalog", "default/billing"]);
    assert.equal(conflict!.host, "shop.example.com");
    assert.equal(conflict!.path, "/api");
    assert.match(conflict!.message, /"\/api" \(Prefix\) on host "shop.example.com"/);
    assert.match(
      conflict!.message,
      /default\/catalog \(service default\/catalog:80\), default\/billing \(service default\/billing:80\)/,
    );
    assert.match(conflict!.message, /Give one route a different path or host, or remove one\.$/);
  });

  it("treats Prefix /api and Prefix /api/ as the same route", () => {
    const conflicts = findConflicts([
      ingress("a", [rule("x.example.com", { path: "/api", service: "a" })]),
      ingress("b", [rule("x.example.com", { path: "/api/", service: "b" })]),
    ]);
    assert.deepEqual(
      conflicts.map((c) => c.code),
      ["ERR_ROUTE_CONFLICT"],
    );
    assert.match(conflicts[0]!.message, /trailing "\/" does not change a Prefix path/);
  });

  it("treats ImplementationSpecific as Prefix when comparing routes", () => {
    const conflicts = findConflicts([
      ingress("a", [rule("x.example.com", { path: "/api", service: "a" })]),
      ingress("b", [
        rule("x.example.com", { path: "/api", pathType: "ImplementationSpecific", service: "b" }),
      ]),
    ]);
    assert.deepEqual(
      conflicts.map((c) => c.code),
      ["ERR_ROUTE_CONFLICT"],
    );
  });

  it("warns about an identical duplicate instead of failing", () => {
    const conflicts = findConflicts([
      ingress("a", [rule("x.example.com", { path: "/api", service: "api" })]),
      ingress("b", [rule("x.example.com", { path: "/api", service: "api" })]),
    ]);
    assert.deepEqual(
      conflicts.map((c) => [c.code, c.severity]),
      [["WARN_DUPLICATE_ROUTE", "warning"]],
    );
  });

  it("reports one TLS host served from two different secrets", () => {
    const conflicts = findConflicts([
      ingress("a", [rule("x.example.com", { path: "/a", service: "a" })], {
        tls: [{ hosts: ["x.example.com"], secretName: "a-tls" }],
      }),
      ingress("b", [rule("x.example.com", { path: "/b", service: "b" })], {
        tls: [{ hosts: ["x.example.com"], secretName: "b-tls" }],
      }),
    ]);
    assert.deepEqual(
      conflicts.map((c) => c.code),
      ["ERR_TLS_CONFLICT"],
    );
    assert.deepEqual(conflicts[0]!.secretNames, ["a-tls", "b-tls"]);
    assert.match(
      conflicts[0]!.message,
      /default\/a-tls \(Ingress default\/a\), default\/b-tls \(Ingress default\/b\)/,
    );
  });

  it("accepts one TLS secret shared by several Ingresses", () => {
    const tls = [{ hosts: ["x.example.com"], secretName: "shared" }];
    const conflicts = findConflicts([
      ingress("a", [rule("x.example.com", { path: "/a", service: "a" })], { tls }),
      ingress("b", [rule("x.example.com", { path: "/b", service: "b" })], { tls }),
    ]);
    assert.deepEqual(conflicts, []);
  });

  it("reports two default backends for one class", () => {
    const conflicts = findConflicts([
      ingress("a", [], { defaultBackend: backend("a"), ingressClassName: "public" }),
      ingress("b", [], { defaultBackend: backend("b"), ingressClassName: "public" }),
    ]);
    assert.deepEqual(
      conflicts.map((c) => c.code),
      ["ERR_DEFAULT_BACKEND_CONFLICT"],
    );
    assert.match(conflicts[0]!.message, /for class "public"/);
  });

  it("reports a rule no normalised request can reach", () => {
    const conflicts = findConflicts([
      ingress("a", [rule("x.example.com", { path: "/a//b", pathType: "Exact", service: "a" })]),
    ]);
    assert.deepEqual(
      conflicts.map((c) => c.code),
      ["ERR_UNREACHABLE_RULE"],
    );
    assert.match(
      conflicts[0]!.message,
      /spec\.rules\[0\]\.http\.paths\[0\]\.path "\/a\/\/b".*such as "\/a\/b"/,
    );
  });
});

describe("findConflicts: paths compare in their canonical encoding", () => {
  it("treats /café and /caf%C3%A9 as the same route", () => {
    const conflicts = findConflicts([
      ingress("a", [rule("x.example.com", { path: "/café", service: "a" })]),
      ingress("b", [rule("x.example.com", { path: "/caf%c3%a9", service: "b" })]),
    ]);
    assert.deepEqual(
      conflicts.map((c) => c.code),
      ["ERR_ROUTE_CONFLICT"],
    );
  });
  it("does not call a Prefix path with trailing slashes unreachable", () => {
    assert.deepEqual(
      findConflicts([ingress("a", [rule("x.example.com", { path: "/a//", service: "a" })])]),
      [],
    );
  });
});

describe("findConflicts: valid but surprising setups are not conflicts", () => {
  const cases: [string, ReturnType<typeof ingress>[]][] = [
    [
      "Exact and Prefix on the same path",
      [
        ingress("a", [rule("x.example.com", { path: "/api", pathType: "Exact", service: "a" })]),
        ingress("b", [rule("x.example.com", { path: "/api", service: "b" })]),
      ],
    ],
    [
      "a wildcard beside an exact host",
      [
        ingress("a", [rule("*.example.com", { path: "/", service: "a" })]),
        ingress("b", [rule("x.example.com", { path: "/", service: "b" })]),
      ],
    ],
    [
      "the same path on different hosts",
      [
        ingress("a", [rule("a.example.com", { path: "/", service: "a" })]),
        ingress("b", [rule("b.example.com", { path: "/", service: "b" })]),
      ],
    ],
    [
      "nested prefixes",
      [
        ingress("a", [
          rule("x.example.com", { path: "/api", service: "a" }, { path: "/api/v2", service: "b" }),
        ]),
      ],
    ],
    [
      "the same route in two different classes",
      [
        ingress("a", [rule("x.example.com", { service: "a" })], { ingressClassName: "public" }),
        ingress("b", [rule("x.example.com", { service: "b" })], { ingressClassName: "internal" }),
      ],
    ],
  ];
  for (const [name, objects] of cases) {
    it(name, () => assert.deepEqual(findConflicts(objects), []));
  }
});

describe("findConflicts: classes", () => {
  const objects = [
    ingress("classless", [rule("x.example.com", { service: "a" })]),
    ingress("public", [rule("x.example.com", { service: "b" })], { ingressClassName: "public" }),
  ];
  it("puts class-less Ingresses in the default class when it is named", () => {
    assert.equal(findConflicts(objects, { defaultClassName: "public" }).length, 1);
    assert.equal(findConflicts(objects).length, 0);
  });
  it("checks only the selected class", () => {
    assert.equal(findConflicts(objects, { ingressClass: "public" }).length, 0);
    assert.equal(findConflicts(objects, { ingressClass: "public", isDefaultClass: true }).length, 1);
  });
  it("ignores non-Ingress objects and junk", () => {
    assert.deepEqual(findConflicts([null, 1, { kind: "Service" }, ...objects] as unknown[]), []);
  });
});

describe("createConflictIndex", () => {
  it("reports the conflicts each new Ingress introduces, naming the earlier one first", () => {
    const index = createConflictIndex({ ingressClass: "public", isDefaultClass: false });
    assert.deepEqual(
      index.add(
        ingress("first", [rule("x.example.com", { path: "/a", service: "a" })], {
          ingressClassName: "public",
        }),
      ),
      [],
    );
    const conflicts = index.add(
      ingress("second", [rule("x.example.com", { path: "/a", service: "b" })], {
        ingressClassName: "public",
      }),
    );
    assert.deepEqual(
      conflicts.map((c) => [c.code, names(c.objects)]),
      [["ERR_ROUTE_CONFLICT", ["default/first", "default/second"]]],
    );
    assert.equal(index.size, 2);
  });
  it("ignores Ingresses of other classes", () => {
    const index = createConflictIndex({ ingressClass: "public" });
    index.add(ingress("a", [rule("x.example.com", { service: "a" })], { ingressClassName: "public" }));
    assert.deepEqual(
      index.add(ingress("b", [rule("x.example.com", { service: "b" })], { ingressClassName: "internal" })),
      [],
    );
  });
  it("checks 10,000 Ingresses in well under a second (no pairwise comparison)", () => {
    const index = createConflictIndex();
    const started = process.hrtime.bigint();
    let found = 0;
    for (let i = 0; i < 10_000; i++) {
      found += index.add(
        ingress(`r${i}`, [rule(`h${i % 100}.example.com`, { path: `/p${i}`, service: "s" })]),
      ).length;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(found, 0);
    assert.ok(ms < 3000, `took ${ms} ms`);
  });
});
