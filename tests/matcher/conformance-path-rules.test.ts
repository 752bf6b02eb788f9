// Path rules, after features/path_rules.feature of kubernetes-sigs/ingress-controller-conformance and the path
// types section of https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types.
// The suite's "404" is our null: its Ingresses define no default backend, so a request no rule matches is
// answered by nothing. HTTP methods play no part in matching and are left out.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compileRoutes } from "../../sdk/matcher";
import { loadFixture } from "../helpers/fixtures";
import { runRoutingCases } from "../helpers/route-assertions";

const feature = "path_rules.feature";

describe("conformance: path rules", () => {
  runRoutingCases("conformance-path-rules", [
    // host exact-path-rules: Exact /foo
    {
      name: "Exact /foo matches /foo",
      host: "exact-path-rules",
      path: "/foo",
      servedBy: "foo-exact:8080",
      source: `${feature}: An Ingress with exact path rules should send traffic to the matching backend service`,
    },
    {
      name: "Exact /foo does not match /foo/",
      host: "exact-path-rules",
      path: "/foo/",
      servedBy: null,
      source: `${feature}: An Ingress with exact path rules should not match requests with trailing slash`,
    },
    {
      name: "Exact /foo is case sensitive: it does not match /FOO",
      host: "exact-path-rules",
      path: "/FOO",
      servedBy: null,
      source: `${feature}: An Ingress with exact path rules should be case sensitive`,
    },
    {
      name: "Exact /foo does not match /bar",
      host: "exact-path-rules",
      path: "/bar",
      servedBy: null,
      source: `${feature}: An Ingress with exact path rules should not match any other label`,
    },
    {
      name: "Exact /foo does not match /foo/bar",
      host: "exact-path-rules",
      path: "/foo/bar",
      servedBy: null,
      source: "docs: Exact matches the URL path exactly",
    },

    // host prefix-path-rules: Prefix /foo, /aaa/bbb, /aaa
    {
      name: "Prefix /foo matches /foo",
      host: "prefix-path-rules",
      path: "/foo",
      servedBy: "foo-prefix:8080",
      source: `${feature}: An Ingress with prefix path rules should send traffic to the matching backend service`,
    },
    {
      // The feature file has this scenario twice.
      name: "Prefix /foo matches /foo/ (a trailing slash on the request is ignored)",
      host: "prefix-path-rules",
      path: "/foo/",
      servedBy: "foo-prefix:8080",
      source: `${feature}: An Ingress with prefix path rules should ignore the request trailing slash and send traffic to the matching backend service`,
    },
    {
      name: "Prefix /foo is case sensitive: it does not match /FOO",
      host: "prefix-path-rules",
      path: "/FOO",
      servedBy: null,
      source: `${feature}: An Ingress with prefix path rules should be case sensitive`,
    },
    {
      name: "Prefix /foo does not match /foobar",
      host: "prefix-path-rules",
      path: "/foobar",
      servedBy: null,
      source: "docs: Prefix matching is done on a path element by element basis",
    },
    {
      name: "Prefix /foo matches /foo/bar",
      host: "prefix-path-rules",
      path: "/foo/bar",
      servedBy: "foo-prefix:8080",
      source: "docs: Prefix matching is done on a path element by element basis",
    },
    {
      name: "Prefix /aaa/bbb wins over Prefix /aaa for /aaa/bbb (longest path wins)",
      host: "prefix-path-rules",
      path: "/aaa/bbb",
      servedBy: "aaa-slash-bbb-prefix:8080",
      source: `${feature}: An Ingress with prefix path rules should match multiple labels, match the longest path, and send traffic to the matching backend service`,
    },
    {
      name: "Prefix /aaa/bbb wins over Prefix /aaa for the subpath /aaa/bbb/ccc",
      host: "prefix-path-rules",
      path: "/aaa/bbb/ccc",
      servedBy: "aaa-slash-bbb-prefix:8080",
      source: `${feature}: An Ingress with prefix path rules should match multiple labels, match the longest path, and subpaths and send traffic to the matching backend service`,
    },
    {
      name: "Prefix /aaa matches /aaa/ccc",
      host: "prefix-path-rules",
      path: "/aaa/ccc",
      servedBy: "aaa-prefix:8080",
      source: `${feature}: An Ingress with prefix path rules should and send traffic to the matching backend service`,
    },
    {
      name: "Prefix /aaa does not match /aaaccc",
      host: "prefix-path-rules",
      path: "/aaaccc",
      servedBy: null,
      source: `${feature}: An Ingress with prefix path rules should match each labels string prefix`,
    },
    {
      name: "Prefix /aaa/bbb does not match /aaa/bbbccc, but Prefix /aaa does",
      host: "prefix-path-rules",
      path: "/aaa/bbbccc",
      servedBy: "aaa-prefix:8080",
      source: "docs: /foo/bar matches /foo/bar/baz, but does not match /foo/barbaz",
    },
    {
      name: "no Prefix rule matches /",
      host: "prefix-path-rules",
      path: "/",
      servedBy: null,
      source: "docs: Prefix /aaa does not match /ccc",
    },

    // host mixed-path-rules: Prefix /foo and Exact /foo
    {
      name: "Exact /foo wins over Prefix /foo for /foo (Exact wins ties)",
      host: "mixed-path-rules",
      path: "/foo",
      servedBy: "foo-exact:8080",
      source: `${feature}: An Ingress with mixed path rules should send traffic to the matching backend service where Exact is preferred`,
    },
    {
      name: "Prefix /foo serves /foo/ next to Exact /foo",
      host: "mixed-path-rules",
      path: "/foo/",
      servedBy: "foo-prefix:8080",
      source: "docs: Exact /foo does not match /foo/, Prefix /foo does",
    },
    {
      name: "Prefix /foo serves /foo/bar next to Exact /foo",
      host: "mixed-path-rules",
      path: "/foo/bar",
      servedBy: "foo-prefix:8080",
      source: "docs: Prefix matching is done on a path element by element basis",
    },

    // host trailing-slash-path-rules: Prefix /aaa/bbb/ and Exact /foo/
    {
      name: "Prefix /aaa/bbb/ matches /aaa/bbb (a trailing slash on the rule is ignored)",
      host: "trailing-slash-path-rules",
      path: "/aaa/bbb",
      servedBy: "aaa-slash-bbb-slash-prefix:8080",
      source: `${feature}: An Ingress with a trailing slashes in a prefix path rule should ignore the trailing slash and send traffic to the matching backend service (/aaa/bbb)`,
    },
    {
      name: "Prefix /aaa/bbb/ matches /aaa/bbb/",
      host: "trailing-slash-path-rules",
      path: "/aaa/bbb/",
      servedBy: "aaa-slash-bbb-slash-prefix:8080",
      source: `${feature}: An Ingress with a trailing slashes in a prefix path rule should ignore the trailing slash and send traffic to the matching backend service (/aaa/bbb/)`,
    },
    {
      name: "Prefix /aaa/bbb/ matches /aaa/bbb/ccc",
      host: "trailing-slash-path-rules",
      path: "/aaa/bbb/ccc",
      servedBy: "aaa-slash-bbb-slash-prefix:8080",
      source: "docs: Prefix matching is done on a path element by element basis",
    },
    {
      name: "Prefix /aaa/bbb/ does not match /aaa/bbbccc",
      host: "trailing-slash-path-rules",
      path: "/aaa/bbbccc",
      servedBy: null,
      source: "docs: /foo/bar does not match /foo/barbaz",
    },
    {
      name: "Exact /foo/ does not match /foo",
      host: "trailing-slash-path-rules",
      path: "/foo",
      servedBy: null,
      source: `${feature}: An Ingress with a trailing slashes in an exact path rule should not match requests without a trailing slash`,
    },
    {
      name: "Exact /foo/ matches /foo/",
      host: "trailing-slash-path-rules",
      path: "/foo/",
      servedBy: "foo-slash-exact:8080",
      source: "docs: Exact matches the URL path exactly",
    },
  ]);
});

describe("ImplementationSpecific is matched as Prefix", () => {
  // Our decision (DESIGN.md). The docs leave ImplementationSpecific to the IngressClass; the conformance suite
  // does not test it.
  runRoutingCases("conformance-path-rules-implementation-specific", [
    {
      name: "ImplementationSpecific /icons matches /icons",
      host: "implementation-specific",
      path: "/icons",
      servedBy: "icons-implementation-specific:8080",
      source: "decision: ImplementationSpecific is Prefix",
    },
    {
      name: "ImplementationSpecific /icons matches /icons/ and /icons/logo.svg",
      host: "implementation-specific",
      path: "/icons/logo.svg",
      servedBy: "icons-implementation-specific:8080",
      source: "decision: ImplementationSpecific is Prefix",
    },
    {
      name: "ImplementationSpecific /icons does not match /iconsxyz (element-wise, not a string prefix)",
      host: "implementation-specific",
      path: "/iconsxyz",
      servedBy: null,
      source: "decision: ImplementationSpecific is Prefix",
    },
    {
      name: "Exact /foo wins over ImplementationSpecific /foo for /foo (Exact wins ties)",
      host: "implementation-specific",
      path: "/foo",
      servedBy: "foo-exact:8080",
      source: "decision: ImplementationSpecific is Prefix; docs: Exact wins ties",
    },
    {
      name: "ImplementationSpecific /foo serves /foo/bar next to Exact /foo",
      host: "implementation-specific",
      path: "/foo/bar",
      servedBy: "foo-implementation-specific:8080",
      source: "decision: ImplementationSpecific is Prefix",
    },
    {
      name: "ImplementationSpecific without a path matches every path",
      host: "implementation-specific-no-path",
      path: "/any/thing",
      servedBy: "catch-all:8080",
      source: "decision: an empty ImplementationSpecific path is routed as / (types.ts, RouteMatch.path)",
    },
  ]);

  it("an empty ImplementationSpecific path is reported as /", () => {
    const table = compileRoutes(loadFixture("conformance-path-rules-implementation-specific"));
    const route = table.match("implementation-specific-no-path", "/");
    assert.equal(route?.path, "/");
    assert.equal(route?.pathType, "ImplementationSpecific");
  });
});

describe("request paths are normalised before matching", () => {
  // Our decision (DESIGN.md); neither the docs nor the conformance suite define normalisation.
  runRoutingCases("conformance-path-rules-normalisation", [
    {
      name: "/api/../admin is routed as /admin",
      host: "normalisation",
      path: "/api/../admin",
      servedBy: "admin:8080",
      source: "decision: dot segments are resolved (DESIGN.md)",
    },
    {
      name: "/./login is routed as /login",
      host: "normalisation",
      path: "/./login",
      servedBy: "login-exact:8080",
      source: "decision: dot segments are resolved",
    },
    {
      name: "/../../admin stops at the root and is routed as /admin",
      host: "normalisation",
      path: "/../../admin",
      servedBy: "admin:8080",
      source: "decision: dot segments are resolved",
    },
    {
      name: "/%61pi is routed as /api (percent-encoded unreserved characters are decoded)",
      host: "normalisation",
      path: "/%61pi",
      servedBy: "api:8080",
      source: "decision: percent-encoded unreserved characters are decoded",
    },
    {
      name: "/%2e%2e/admin is routed as /admin (decoded dots are dot segments)",
      host: "normalisation",
      path: "/%2e%2e/admin",
      servedBy: "admin:8080",
      source: "decision: percent-encoded unreserved characters are decoded, then dot segments resolved",
    },
    {
      name: "/api/%2E%2E/admin is routed as /admin (upper-case hex digits)",
      host: "normalisation",
      path: "/api/%2E%2E/admin",
      servedBy: "admin:8080",
      source: "decision: percent-encoded unreserved characters are decoded, then dot segments resolved",
    },
    {
      name: "/%7Euser is routed as /~user",
      host: "normalisation",
      path: "/%7Euser",
      servedBy: "tilde-user:8080",
      source: "decision: percent-encoded unreserved characters are decoded",
    },
    {
      name: "/api%2Fv1 is one path element: an encoded / is not decoded, so Prefix /api does not match",
      host: "normalisation",
      path: "/api%2Fv1",
      servedBy: null,
      source: "decision: only unreserved characters are decoded (RFC 3986 section 6.2.2.2); / is reserved",
    },
    {
      name: "//login is routed as /login (duplicate slashes are merged)",
      host: "normalisation",
      path: "//login",
      servedBy: "login-exact:8080",
      source: "decision: duplicate slashes are merged",
    },
    {
      name: "Exact /login matches /login?next=/home (the query is ignored)",
      host: "normalisation",
      path: "/login?next=/home",
      servedBy: "login-exact:8080",
      source: "decision: the query is stripped",
    },
    {
      name: "Exact /login matches /login#form (the fragment is ignored)",
      host: "normalisation",
      path: "/login#form",
      servedBy: "login-exact:8080",
      source: "types.ts, RouteTable.match: query and fragment ignored",
    },
    {
      name: "normalisation keeps a trailing slash: Exact /login does not match /login/",
      host: "normalisation",
      path: "/login/",
      servedBy: null,
      source: `${feature}: An Ingress with exact path rules should not match requests with trailing slash`,
    },
    {
      name: "normalisation keeps case: Prefix /api does not match /%41PI",
      host: "normalisation",
      path: "/%41PI",
      servedBy: null,
      source: `${feature}: An Ingress with prefix path rules should be case sensitive`,
    },
  ]);
});
