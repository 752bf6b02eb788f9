// The examples of https://kubernetes.io/docs/concepts/services-networking/ingress/: the path types table
// ("Examples", "Multiple matches") row by row, then the example Ingresses of the page (simple fanout, name based
// virtual hosting, hostname wildcards, resource backend, single Service, minimal Ingress).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compileRoutes } from "../../sdk/matcher";
import { loadFixture } from "../helpers/fixtures";
import { runRoutingCases } from "../helpers/route-assertions";

const docs = "https://kubernetes.io/docs/concepts/services-networking/ingress/";
/** A row of the docs' path types table: `| Kind | Path(s) | Request path(s) | Matches? |`. */
const row = (kind: string, paths: string, request: string, matches: string) =>
  `${docs}#examples row: ${kind} | ${paths} | ${request} | ${matches}`;
/** The default backend of the path types fixture, which answers the rows that do not match. */
const defaultBackend = "default-http-backend:80";

describe("k8s docs: path types table", () => {
  runRoutingCases("k8s-docs-path-types", [
    {
      name: "Prefix / matches /",
      host: "prefix-root.docs.example",
      path: "/",
      servedBy: "root-prefix:80",
      source: row("Prefix", "/", "(all paths)", "Yes"),
    },
    {
      name: "Prefix / matches /foo",
      host: "prefix-root.docs.example",
      path: "/foo",
      servedBy: "root-prefix:80",
      source: row("Prefix", "/", "(all paths)", "Yes"),
    },
    {
      name: "Prefix / matches /aaa/bbb/ccc/",
      host: "prefix-root.docs.example",
      path: "/aaa/bbb/ccc/",
      servedBy: "root-prefix:80",
      source: row("Prefix", "/", "(all paths)", "Yes"),
    },
    {
      name: "Exact /foo matches /foo",
      host: "exact-foo.docs.example",
      path: "/foo",
      servedBy: "foo-exact:80",
      source: row("Exact", "/foo", "/foo", "Yes"),
    },
    {
      name: "Exact /foo does not match /bar (the default backend answers)",
      host: "exact-foo.docs.example",
      path: "/bar",
      servedBy: defaultBackend,
      source: row("Exact", "/foo", "/bar", "No"),
    },
    {
      name: "Exact /foo does not match /foo/ (the default backend answers)",
      host: "exact-foo.docs.example",
      path: "/foo/",
      servedBy: defaultBackend,
      source: row("Exact", "/foo", "/foo/", "No"),
    },
    {
      name: "Exact /foo/ does not match /foo (the default backend answers)",
      host: "exact-foo-slash.docs.example",
      path: "/foo",
      servedBy: defaultBackend,
      source: row("Exact", "/foo/", "/foo", "No"),
    },
    {
      name: "Prefix /foo matches /foo",
      host: "prefix-foo.docs.example",
      path: "/foo",
      servedBy: "foo-prefix:80",
      source: row("Prefix", "/foo", "/foo, /foo/", "Yes"),
    },
    {
      name: "Prefix /foo matches /foo/",
      host: "prefix-foo.docs.example",
      path: "/foo/",
      servedBy: "foo-prefix:80",
      source: row("Prefix", "/foo", "/foo, /foo/", "Yes"),
    },
    {
      name: "Prefix /foo/ matches /foo",
      host: "prefix-foo-slash.docs.example",
      path: "/foo",
      servedBy: "foo-slash-prefix:80",
      source: row("Prefix", "/foo/", "/foo, /foo/", "Yes"),
    },
    {
      name: "Prefix /foo/ matches /foo/",
      host: "prefix-foo-slash.docs.example",
      path: "/foo/",
      servedBy: "foo-slash-prefix:80",
      source: row("Prefix", "/foo/", "/foo, /foo/", "Yes"),
    },
    {
      name: "Prefix /aaa/bb does not match /aaa/bbb (the default backend answers)",
      host: "prefix-aaa-bb.docs.example",
      path: "/aaa/bbb",
      servedBy: defaultBackend,
      source: row("Prefix", "/aaa/bb", "/aaa/bbb", "No"),
    },
    {
      name: "Prefix /aaa/bbb matches /aaa/bbb",
      host: "prefix-aaa-bbb.docs.example",
      path: "/aaa/bbb",
      servedBy: "aaa-bbb-prefix:80",
      source: row("Prefix", "/aaa/bbb", "/aaa/bbb", "Yes"),
    },
    {
      name: "Prefix /aaa/bbb/ matches /aaa/bbb (ignores the trailing slash)",
      host: "prefix-aaa-bbb-slash.docs.example",
      path: "/aaa/bbb",
      servedBy: "aaa-bbb-slash-prefix:80",
      source: row("Prefix", "/aaa/bbb/", "/aaa/bbb", "Yes, ignores trailing slash"),
    },
    {
      name: "Prefix /aaa/bbb matches /aaa/bbb/ (matches the trailing slash)",
      host: "prefix-aaa-bbb.docs.example",
      path: "/aaa/bbb/",
      servedBy: "aaa-bbb-prefix:80",
      source: row("Prefix", "/aaa/bbb", "/aaa/bbb/", "Yes, matches trailing slash"),
    },
    {
      name: "Prefix /aaa/bbb matches the subpath /aaa/bbb/ccc",
      host: "prefix-aaa-bbb.docs.example",
      path: "/aaa/bbb/ccc",
      servedBy: "aaa-bbb-prefix:80",
      source: row("Prefix", "/aaa/bbb", "/aaa/bbb/ccc", "Yes, matches subpath"),
    },
    {
      name: "Prefix /aaa/bbb does not match /aaa/bbbxyz, not a string prefix (the default backend answers)",
      host: "prefix-aaa-bbb.docs.example",
      path: "/aaa/bbbxyz",
      servedBy: defaultBackend,
      source: row("Prefix", "/aaa/bbb", "/aaa/bbbxyz", "No, does not match string prefix"),
    },
    {
      name: "Prefix /, /aaa: /aaa/ccc matches /aaa",
      host: "root-aaa.docs.example",
      path: "/aaa/ccc",
      servedBy: "aaa-prefix:80",
      source: row("Prefix", "/, /aaa", "/aaa/ccc", "Yes, matches /aaa prefix"),
    },
    {
      name: "Prefix /, /aaa, /aaa/bbb: /aaa/bbb matches /aaa/bbb (longest path wins)",
      host: "root-aaa-bbb.docs.example",
      path: "/aaa/bbb",
      servedBy: "aaa-bbb-prefix:80",
      source: row("Prefix", "/, /aaa, /aaa/bbb", "/aaa/bbb", "Yes, matches /aaa/bbb prefix"),
    },
    {
      name: "Prefix /, /aaa, /aaa/bbb: /ccc matches /",
      host: "root-aaa-bbb.docs.example",
      path: "/ccc",
      servedBy: "root-prefix:80",
      source: row("Prefix", "/, /aaa, /aaa/bbb", "/ccc", "Yes, matches / prefix"),
    },
    {
      name: "Prefix /aaa does not match /ccc: the default backend answers",
      host: "prefix-aaa.docs.example",
      path: "/ccc",
      servedBy: defaultBackend,
      source: row("Prefix", "/aaa", "/ccc", "No, uses default backend"),
    },
    {
      name: "Mixed Prefix /foo and Exact /foo: /foo prefers Exact",
      host: "mixed.docs.example",
      path: "/foo",
      servedBy: "foo-exact:80",
      source: row("Mixed", "/foo (Prefix), /foo (Exact)", "/foo", "Yes, prefers Exact"),
    },
  ]);

  it("a row that does not match is answered by the default backend as such", () => {
    const route = compileRoutes(loadFixture("k8s-docs-path-types")).match("prefix-aaa.docs.example", "/ccc");
    assert.equal(route?.kind, "defaultBackend");
    assert.deepEqual(route?.ingress, { namespace: "docs", name: "default-http-backend" });
  });

  it("the Mixed row's winner is the Exact rule itself", () => {
    const route = compileRoutes(loadFixture("k8s-docs-path-types")).match("mixed.docs.example", "/foo");
    assert.equal(route?.kind, "rule");
    assert.equal(route?.path, "/foo");
    assert.equal(route?.pathType, "Exact");
  });
});

describe("k8s docs: example Ingresses", () => {
  runRoutingCases("k8s-docs-simple-fanout", [
    {
      name: "simple fanout: foo.bar.com /foo goes to service1:4200",
      host: "foo.bar.com",
      path: "/foo",
      servedBy: "service1:4200",
      source: `${docs}#simple-fanout`,
    },
    {
      name: "simple fanout: foo.bar.com /bar/baz goes to service2:8080",
      host: "foo.bar.com",
      path: "/bar/baz",
      servedBy: "service2:8080",
      source: `${docs}#simple-fanout`,
    },
    {
      name: "simple fanout: foo.bar.com /baz matches no path and there is no default backend",
      host: "foo.bar.com",
      path: "/baz",
      servedBy: null,
      source: `${docs}#default-backend (no defaultBackend: up to the controller; null for us)`,
    },
    {
      name: "simple fanout: another host matches no rule",
      host: "bar.foo.com",
      path: "/foo",
      servedBy: null,
      source: `${docs}#ingress-rules (both the host and path must match)`,
    },
  ]);

  runRoutingCases("k8s-docs-name-virtual-host", [
    {
      name: "name based virtual hosting: foo.bar.com goes to service1",
      host: "foo.bar.com",
      path: "/",
      servedBy: "service1:80",
      source: `${docs}#name-based-virtual-hosting`,
    },
    {
      name: "name based virtual hosting: bar.foo.com goes to service2",
      host: "bar.foo.com",
      path: "/index.html",
      servedBy: "service2:80",
      source: `${docs}#name-based-virtual-hosting`,
    },
    {
      name: "name based virtual hosting: any other host matches no rule",
      host: "baz.foo.com",
      path: "/",
      servedBy: null,
      source: `${docs}#name-based-virtual-hosting`,
    },
  ]);

  runRoutingCases("k8s-docs-name-virtual-host-no-third-host", [
    {
      name: "virtual hosting with a rule without host: first.bar.com goes to service1",
      host: "first.bar.com",
      path: "/",
      servedBy: "service1:80",
      source: `${docs}#name-based-virtual-hosting (no-third-host)`,
    },
    {
      name: "virtual hosting with a rule without host: second.bar.com goes to service2",
      host: "second.bar.com",
      path: "/",
      servedBy: "service2:80",
      source: `${docs}#name-based-virtual-hosting (no-third-host)`,
    },
    {
      name: "virtual hosting with a rule without host: any other host goes to service3",
      host: "third.bar.com",
      path: "/",
      servedBy: "service3:80",
      source: `${docs}#name-based-virtual-hosting (no-third-host)`,
    },
    {
      name: "virtual hosting with a rule without host: a request without a Host header goes to service3",
      host: "",
      path: "/",
      servedBy: "service3:80",
      source: `${docs}#ingress-rules (a rule without host applies to all inbound HTTP traffic)`,
    },
  ]);

  runRoutingCases("k8s-docs-wildcard-host", [
    {
      name: "wildcard example: foo.bar.com /bar goes to service1",
      host: "foo.bar.com",
      path: "/bar",
      servedBy: "service1:80",
      source: `${docs}#hostname-wildcards (ingress-wildcard-host)`,
    },
    {
      name: "wildcard example: bar.foo.com /foo goes to service2 through *.foo.com",
      host: "bar.foo.com",
      path: "/foo",
      servedBy: "service2:80",
      source: `${docs}#hostname-wildcards: *.foo.com | bar.foo.com | Matches based on shared suffix`,
    },
    {
      name: "wildcard example: baz.bar.foo.com /foo matches no rule",
      host: "baz.bar.foo.com",
      path: "/foo",
      servedBy: null,
      source: `${docs}#hostname-wildcards: *.foo.com | baz.bar.foo.com | No match, wildcard only covers a single DNS label`,
    },
    {
      name: "wildcard example: foo.com /foo matches no rule",
      host: "foo.com",
      path: "/foo",
      servedBy: null,
      source: `${docs}#hostname-wildcards: *.foo.com | foo.com | No match, wildcard only covers a single DNS label`,
    },
    {
      name: "wildcard example: foo.bar.com /foo matches no path of foo.bar.com",
      host: "foo.bar.com",
      path: "/foo",
      servedBy: null,
      source: `${docs}#ingress-rules (both the host and path must match)`,
    },
  ]);

  runRoutingCases("k8s-docs-resource-backend", [
    {
      name: "resource backend: /icons goes to the icon-assets StorageBucket (ImplementationSpecific as Prefix)",
      host: "any.example.com",
      path: "/icons/logo.svg",
      servedBy: "resource StorageBucket/icon-assets",
      source: `${docs}#resource-backend; decision: ImplementationSpecific is Prefix`,
    },
    {
      name: "resource backend: other paths go to the static-assets StorageBucket default backend",
      host: "any.example.com",
      path: "/index.html",
      servedBy: "resource StorageBucket/static-assets",
      source: `${docs}#resource-backend`,
    },
  ]);

  it("resource backend: the backend is returned as written", () => {
    const route = compileRoutes(loadFixture("k8s-docs-resource-backend")).match("any.example.com", "/icons");
    assert.deepEqual(route?.backend, {
      resource: { apiGroup: "k8s.example.com", kind: "StorageBucket", name: "icon-assets" },
    });
    assert.deepEqual(route?.ingress, { namespace: "default", name: "ingress-resource-backend" });
  });

  runRoutingCases("k8s-docs-single-service", [
    {
      name: "single Service: every request goes to test:80",
      host: "anything.example.com",
      path: "/some/path",
      servedBy: "test:80",
      source: `${docs}#single-service-ingress`,
    },
  ]);

  runRoutingCases("k8s-docs-minimal-ingress", [
    {
      name: "minimal Ingress: class nginx-example serves /testpath for any host",
      options: { ingressClass: "nginx-example" },
      host: "any.example.com",
      path: "/testpath",
      servedBy: "test:80",
      source: `${docs}#the-ingress-resource`,
    },
    {
      name: "minimal Ingress: /testpath/deeper matches Prefix /testpath",
      options: { ingressClass: "nginx-example" },
      host: "any.example.com",
      path: "/testpath/deeper",
      servedBy: "test:80",
      source: `${docs}#the-ingress-resource`,
    },
    {
      name: "minimal Ingress: / matches no rule",
      options: { ingressClass: "nginx-example" },
      host: "any.example.com",
      path: "/",
      servedBy: null,
      source: `${docs}#the-ingress-resource`,
    },
    {
      name: "minimal Ingress: another class does not serve it",
      options: { ingressClass: "external-lb", isDefaultClass: true },
      host: "any.example.com",
      path: "/testpath",
      servedBy: null,
      source: `${docs}#ingress-class`,
    },
  ]);
});
