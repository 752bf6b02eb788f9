// Host rules, after features/host_rules.feature of kubernetes-sigs/ingress-controller-conformance and
// https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards, plus the host decisions of
// DESIGN.md ("Semantics the matcher owns"): case-insensitive hosts without port or trailing dot, host-first
// selection, rules merged across Ingress objects.
// The suite's "404" is our null: its Ingresses define no default backend.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compileRoutes, type RouteTable } from "../../sdk/matcher";
import { loadFixture } from "../helpers/fixtures";
import { runRoutingCases, servedBy, type RoutingCase } from "../helpers/route-assertions";

interface TlsCase {
  readonly name: string;
  readonly serverName: string;
  /** `namespace/secretName`, or null when no TLS entry covers the name. */
  readonly secret: string | null;
  readonly source: string;
}

/** `namespace/secretName` of the TLS secret serving an SNI name, or null. */
function secretFor(table: RouteTable, serverName: string): string | null {
  const tls = table.tlsSecretFor(serverName);
  return tls === null ? null : `${tls.namespace}/${tls.secretName}`;
}

function itCompiles(fixture: string, ingresses: readonly unknown[]): void {
  it(`compiles every Ingress of ${fixture}.yaml`, () => {
    const table = compileRoutes(ingresses);
    assert.deepEqual(table.skipped, []);
    assert.equal(table.ingresses.length, ingresses.length);
  });
}

function runTlsCases(fixture: string, cases: readonly TlsCase[]): void {
  const ingresses = loadFixture(fixture);
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(secretFor(compileRoutes(ingresses), c.serverName), c.secret, `source: ${c.source}`);
    });
  }
}

const feature = "host_rules.feature";
const docsWildcards =
  "docs: https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards";

describe("conformance: host rules", () => {
  runRoutingCases("conformance-host-rules", [
    {
      name: "host foo.bar.com matches request foo.bar.com",
      host: "foo.bar.com",
      path: "/",
      servedBy: "foo-bar-com:http",
      source: `${feature}: An Ingress with a host rule should send traffic to the matching backend service`,
    },
    {
      name: "host foo.bar.com serves every path of foo.bar.com through Prefix /",
      host: "foo.bar.com",
      path: "/any/path",
      servedBy: "foo-bar-com:http",
      source: "docs: Prefix / matches all paths",
    },
    {
      name: "host foo.bar.com does not match request subdomain.bar.com",
      host: "subdomain.bar.com",
      path: "/",
      servedBy: null,
      source: `${feature}: An Ingress with a host rule should not route traffic when hostname does not match`,
    },
    {
      name: "wildcard *.foo.com matches bar.foo.com",
      host: "bar.foo.com",
      path: "/",
      servedBy: "wildcard-foo-com:8080",
      source: `${feature}: An Ingress with a wildcard host rule should send traffic to the matching backend service; ${docsWildcards}`,
    },
    {
      name: "wildcard *.foo.com does not match baz.bar.foo.com (one label only)",
      host: "baz.bar.foo.com",
      path: "/",
      servedBy: null,
      source: `${feature}: An Ingress with a wildcard host rule should not route traffic matching on more than a single dns label; ${docsWildcards}`,
    },
    {
      name: "wildcard *.foo.com does not match foo.com (no label)",
      host: "foo.com",
      path: "/",
      servedBy: null,
      source: `${feature}: An Ingress with a wildcard host rule should not route traffic matching no dns label; ${docsWildcards}`,
    },
    {
      name: "wildcard *.foo.com does not match barfoo.com (the suffix is whole labels)",
      host: "barfoo.com",
      path: "/",
      servedBy: null,
      source: "decision: a wildcard covers exactly one leftmost label",
    },
    {
      name: "wildcard *.foo.com does not match bar.foo.com.example.org",
      host: "bar.foo.com.example.org",
      path: "/",
      servedBy: null,
      source: "decision: a wildcard covers exactly one leftmost label",
    },
    {
      name: "a request without a Host header matches no host rule",
      host: "",
      path: "/",
      servedBy: null,
      source: "docs: a rule with a host applies to that host only",
    },
    {
      name: "hosts are compared case-insensitively: FOO.Bar.COM matches foo.bar.com",
      host: "FOO.Bar.COM",
      path: "/",
      servedBy: "foo-bar-com:http",
      source: "decision: hosts compared case-insensitively (RFC 4343)",
    },
    {
      name: "the Host header's port is ignored: foo.bar.com:8080 matches foo.bar.com",
      host: "foo.bar.com:8080",
      path: "/",
      servedBy: "foo-bar-com:http",
      source: "decision: hosts compared without port",
    },
    {
      name: "a trailing dot is ignored: foo.bar.com. matches foo.bar.com",
      host: "foo.bar.com.",
      path: "/",
      servedBy: "foo-bar-com:http",
      source: "decision: hosts compared without trailing dot",
    },
    {
      name: "wildcards too ignore case, port and trailing dot: BAR.Foo.com.:443 matches *.foo.com",
      host: "BAR.Foo.com.:443",
      path: "/",
      servedBy: "wildcard-foo-com:8080",
      source: "decision: hosts compared case-insensitively, without port or trailing dot",
    },
  ]);

  runTlsCases("conformance-host-rules", [
    {
      name: "TLS for foo.bar.com is served from the conformance-tls secret",
      serverName: "foo.bar.com",
      secret: "conformance/conformance-tls",
      source: `${feature}: An Ingress with a host rule should send TLS traffic to the matching backend service`,
    },
    {
      name: "TLS server names are compared case-insensitively",
      serverName: "Foo.Bar.Com",
      secret: "conformance/conformance-tls",
      source: "decision: hosts compared case-insensitively",
    },
    {
      name: "no TLS secret serves bar.foo.com: the wildcard rule has no TLS entry",
      serverName: "bar.foo.com",
      secret: null,
      source: `${feature} (Background: tls lists foo.bar.com only)`,
    },
    {
      name: "no TLS secret serves subdomain.bar.com",
      serverName: "subdomain.bar.com",
      secret: null,
      source: `${feature} (Background: tls lists foo.bar.com only)`,
    },
  ]);
});

describe("TLS hosts: exact over wildcard, one label per wildcard", () => {
  const fixture = "conformance-host-rules-tls";
  itCompiles(fixture, loadFixture(fixture));
  runTlsCases(fixture, [
    {
      name: "TLS wildcard *.foo.com serves bar.foo.com",
      serverName: "bar.foo.com",
      secret: "conformance/wildcard-foo-com-tls",
      source: `${docsWildcards}, applied to tls.hosts`,
    },
    {
      name: "TLS exact api.foo.com wins over the wildcard *.foo.com",
      serverName: "api.foo.com",
      secret: "conformance/api-foo-com-tls",
      source: "types.ts, RouteTable.tlsSecretFor: exact host over wildcard",
    },
    {
      name: "TLS secret of an Ingress without namespace is resolved in default",
      serverName: "https-example.foo.com",
      secret: "default/testsecret-tls",
      source:
        "docs: https://kubernetes.io/docs/concepts/services-networking/ingress/#tls (tls-example-ingress)",
    },
    {
      name: "TLS wildcard *.foo.com does not serve baz.bar.foo.com",
      serverName: "baz.bar.foo.com",
      secret: null,
      source: `${docsWildcards}, applied to tls.hosts`,
    },
    {
      name: "TLS wildcard *.foo.com does not serve foo.com",
      serverName: "foo.com",
      secret: null,
      source: `${docsWildcards}, applied to tls.hosts`,
    },
  ]);
});

describe("host-first selection: the most specific host with rules owns the request", () => {
  // Our decision, as in NGINX and HAProxy. The Ingress docs only say that both host and path must match and that
  // requests matching no host or path go to the default backend; a controller that searched every matching host
  // for a matching path would send "api.example.com /app" to *.example.com and "api.example.com /" to the rules
  // without a host. We send both to the default backend.
  runRoutingCases("conformance-host-rules-precedence", [
    {
      name: "exact host api.example.com serves its own path /v1",
      host: "api.example.com",
      path: "/v1/users",
      servedBy: "api-v1:80",
      source: "docs: both the host and path must match",
    },
    {
      name: "exact host api.example.com owns /app: the default backend answers, not *.example.com",
      host: "api.example.com",
      path: "/app",
      servedBy: "default-backend:80",
      source: "decision: host-first selection; an exact host wins over a wildcard",
    },
    {
      name: "exact host api.example.com owns /: the default backend answers, not the rules without a host",
      host: "api.example.com",
      path: "/",
      servedBy: "default-backend:80",
      source: "decision: host-first selection",
    },
    {
      name: "wildcard *.example.com serves www.example.com /app",
      host: "www.example.com",
      path: "/app/home",
      servedBy: "wildcard-app:80",
      source: docsWildcards,
    },
    {
      name: "wildcard *.example.com owns www.example.com /: the default backend answers, not the rules without a host",
      host: "www.example.com",
      path: "/",
      servedBy: "default-backend:80",
      source: "decision: host-first selection; a wildcard wins over rules without a host",
    },
    {
      name: "a host whose rule has no paths owns nothing: empty.example.com /app goes to *.example.com",
      host: "empty.example.com",
      path: "/app",
      servedBy: "wildcard-app:80",
      source: "decision: the most specific host that has rules owns the request",
    },
    {
      name: "rules without a host serve any other host",
      host: "unknown.example.org",
      path: "/v1",
      servedBy: "any-host-root:80",
      source:
        "docs: name-virtual-host-ingress-no-third-host (traffic not matching a host goes to the rule without host)",
    },
    {
      name: "rules without a host serve a request without a Host header",
      host: "",
      path: "/anything",
      servedBy: "any-host-root:80",
      source: "docs: a rule without host applies to all inbound HTTP traffic",
    },
    {
      name: "a.b.example.com is not covered by *.example.com: the rules without a host serve it",
      host: "a.b.example.com",
      path: "/app",
      servedBy: "any-host-root:80",
      source: `${docsWildcards} (baz.bar.foo.com row)`,
    },
    {
      name: "example.com is not covered by *.example.com: the rules without a host serve it",
      host: "example.com",
      path: "/app",
      servedBy: "any-host-root:80",
      source: `${docsWildcards} (foo.com row)`,
    },
  ]);
});

describe("rules for one host merge across Ingress objects", () => {
  // Our decision (DESIGN.md) for the tie-break; the docs only say "the Ingress objects" (plural) are matched.
  const fixture = "conformance-host-rules-merge";
  const cases: readonly RoutingCase[] = [
    {
      name: "paths of two Ingresses for one host are both served (/catalog from shop/catalog)",
      host: "shop.example.com",
      path: "/catalog/items",
      servedBy: "catalog:80",
      source: "decision: rules for one host merge across Ingress objects",
    },
    {
      name: "paths of two Ingresses for one host are both served (/billing from shop/billing)",
      host: "shop.example.com",
      path: "/billing",
      servedBy: "billing:80",
      source: "decision: rules for one host merge across Ingress objects",
    },
    {
      name: "the longest path wins across Ingresses: /catalog/invoices over /catalog",
      host: "shop.example.com",
      path: "/catalog/invoices/2026",
      servedBy: "billing-invoices:80",
      source: "docs: multiple matches, longest path wins; decision: rules merge",
    },
    {
      name: "same host, path and pathType: the oldest Ingress wins",
      host: "shop.example.com",
      path: "/api/orders",
      servedBy: "catalog-api:80",
      source: "decision: the oldest object (metadata.creationTimestamp) wins",
    },
    {
      name: "Exact wins the tie across Ingresses, even from the newer one",
      host: "shop.example.com",
      path: "/api/status",
      servedBy: "billing-status:80",
      source: "docs: multiple matches, Exact wins ties",
    },
    {
      name: "the older Prefix still serves the subtree next to the newer Exact",
      host: "shop.example.com",
      path: "/api/status/live",
      servedBy: "status-prefix:80",
      source: "docs: Prefix matching is element-wise",
    },
    {
      name: "same age: the namespace decides first (a-team/zeta over b-team/alpha)",
      host: "tie.example.com",
      path: "/",
      servedBy: "zeta:80",
      source: "decision: then namespace/name order",
    },
    {
      name: "same age and namespace: the name decides (a-team/beta over a-team/zeta)",
      host: "tie.example.com",
      path: "/same-namespace",
      servedBy: "beta-same-namespace:80",
      source: "decision: then namespace/name order",
    },
    {
      name: "age decides before names (default/zzz, older, over default/aaa)",
      host: "older.example.com",
      path: "/",
      servedBy: "zzz:80",
      source: "decision: the oldest object wins, then namespace/name order",
    },
  ];
  runRoutingCases(fixture, cases);

  it("the winners do not depend on the order of the input", () => {
    const reversed = [...loadFixture(fixture)].reverse();
    const table = compileRoutes(reversed);
    for (const c of cases) assert.equal(servedBy(table, c.host, c.path), c.servedBy, c.name);
  });

  it("the match names the Ingress that won", () => {
    const route = compileRoutes(loadFixture(fixture)).match("tie.example.com", "/");
    assert.deepEqual(route?.ingress, { namespace: "a-team", name: "zeta" });
    assert.equal(route?.host, "tie.example.com");
  });
});
