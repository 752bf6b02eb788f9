// Default backend, after features/default_backend.feature of kubernetes-sigs/ingress-controller-conformance and
// https://kubernetes.io/docs/concepts/services-networking/ingress/#default-backend, plus our decisions (DESIGN.md):
// the default backend is `spec.defaultBackend` of an Ingress of the served class, the oldest winning if several,
// and it answers whatever no rule matches, for every host.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compileRoutes } from "../../sdk/matcher";
import { loadFixture } from "../helpers/fixtures";
import { runRoutingCases, servedBy } from "../helpers/route-assertions";

const feature = "default_backend.feature";
const noRules = `${feature}: An Ingress with no rules should send all requests to the default backend`;
const docs = "docs: https://kubernetes.io/docs/concepts/services-networking/ingress/#default-backend";

describe("conformance: default backend", () => {
  // The scenario outline's Examples table; methods play no part in matching, an empty path is "/" and an empty
  // host is a request without a Host header.
  runRoutingCases("conformance-default-backend", [
    {
      name: "GET my-host / goes to the default backend",
      host: "my-host",
      path: "/",
      servedBy: "echo-service:8080",
      source: noRules,
    },
    {
      name: "GET my-host /sub-path goes to the default backend",
      host: "my-host",
      path: "/sub-path",
      servedBy: "echo-service:8080",
      source: noRules,
    },
    {
      name: "POST some-host / goes to the default backend",
      host: "some-host",
      path: "/",
      servedBy: "echo-service:8080",
      source: noRules,
    },
    {
      name: "PUT without a Host header /resource goes to the default backend",
      host: "",
      path: "/resource",
      servedBy: "echo-service:8080",
      source: noRules,
    },
    {
      name: "DELETE some-host /resource goes to the default backend",
      host: "some-host",
      path: "/resource",
      servedBy: "echo-service:8080",
      source: noRules,
    },
    {
      name: "PATCH my-host /resource goes to the default backend",
      host: "my-host",
      path: "/resource",
      servedBy: "echo-service:8080",
      source: noRules,
    },
    {
      name: "a Host header with port and upper case goes to the default backend",
      host: "My-Host:8080",
      path: "/resource?q=1",
      servedBy: "echo-service:8080",
      source: noRules,
    },
  ]);

  it("the default backend is reported as such, on path /", () => {
    const route = compileRoutes(loadFixture("conformance-default-backend")).match("my-host", "/sub-path");
    assert.equal(route?.kind, "defaultBackend");
    assert.equal(route?.path, "/");
    assert.deepEqual(route?.ingress, { namespace: "conformance", name: "default-backend" });
  });
});

describe("the default backend answers what no rule matches", () => {
  runRoutingCases("conformance-default-backend-with-rules", [
    {
      name: "a matching rule wins over the default backend",
      host: "site.example.com",
      path: "/app/home",
      servedBy: "app:80",
      source: "docs: Ingress rules; the default backend serves requests that match no rule",
    },
    {
      name: "a host with rules but no matching path gets the default backend",
      host: "site.example.com",
      path: "/other",
      servedBy: "fallback:http",
      source: `${docs}: If none of the hosts or paths match the HTTP request ... routed to your default backend`,
    },
    {
      name: "Prefix /app does not match /application: the default backend answers",
      host: "site.example.com",
      path: "/application",
      servedBy: "fallback:http",
      source: "docs: path types table, Prefix /aaa vs /ccc: No, uses default backend",
    },
    {
      name: "a host no rule names gets the default backend",
      host: "unknown.example.org",
      path: "/app",
      servedBy: "fallback:http",
      source: `${docs}: If none of the hosts or paths match the HTTP request ... routed to your default backend`,
    },
    {
      name: "a request without a Host header gets the default backend when no rule lacks a host",
      host: "",
      path: "/",
      servedBy: "fallback:http",
      source: docs,
    },
    {
      name: "the rules of the Ingress that declares the default backend still win",
      host: "other.example.com",
      path: "/anything",
      servedBy: "other:80",
      source: "docs: Ingress rules",
    },
  ]);
});

describe("one default backend per class: the oldest wins", () => {
  // Our decision. Two default backends in one class are also a default-backend-conflict for findConflicts.
  runRoutingCases("conformance-default-backend-oldest", [
    {
      name: "the oldest Ingress's default backend wins, whatever the namespace/name order",
      host: "any.example.com",
      path: "/",
      servedBy: "older-fallback:80",
      source: "decision: the default backend of the oldest Ingress of the class",
    },
  ]);
  runRoutingCases("conformance-default-backend-tie", [
    {
      name: "default backends of the same age: namespace/name order decides",
      host: "any.example.com",
      path: "/",
      servedBy: "zeta-fallback:80",
      source: "decision: oldest, then namespace/name order",
    },
  ]);

  it("the winning default backend does not depend on the order of the input", () => {
    const reversed = [...loadFixture("conformance-default-backend-oldest")].reverse();
    assert.equal(servedBy(compileRoutes(reversed), "any.example.com", "/"), "older-fallback:80");
    const tie = [...loadFixture("conformance-default-backend-tie")].reverse();
    assert.equal(servedBy(compileRoutes(tie), "any.example.com", "/"), "zeta-fallback:80");
  });
});

describe("only default backends of the served class count", () => {
  // Timestamps: unclassed (oldest), other, ours, legacy (newest).
  runRoutingCases("conformance-default-backend-class", [
    {
      name: "the served class's own default backend answers",
      options: { ingressClass: "ours" },
      host: "any.example.com",
      path: "/",
      servedBy: "our-fallback:80",
      source: "decision: the default backend is spec.defaultBackend of an Ingress of the class",
    },
    {
      name: "as the default class, an older Ingress without class provides the default backend",
      options: { ingressClass: "ours", isDefaultClass: true },
      host: "any.example.com",
      path: "/",
      servedBy: "unclassed-fallback:80",
      source: "docs: #default-ingress-class; decision: oldest wins",
    },
    {
      name: "another class's default backend answers for that class only",
      options: { ingressClass: "other" },
      host: "any.example.com",
      path: "/",
      servedBy: "other-fallback:80",
      source: "docs: #ingress-class",
    },
    {
      name: "the legacy annotation places a default backend in its class",
      options: { ingressClass: "legacy" },
      host: "any.example.com",
      path: "/",
      servedBy: "legacy-fallback:80",
      source: "docs: #deprecated-annotation",
    },
    {
      name: "a class with no default backend answers null",
      options: { ingressClass: "none-such" },
      host: "any.example.com",
      path: "/",
      servedBy: null,
      source: "docs: without defaultBackend, unmatched requests are up to the controller (null for us)",
    },
    {
      name: "without a class selector every Ingress counts and the oldest default backend wins",
      options: {},
      host: "any.example.com",
      path: "/",
      servedBy: "unclassed-fallback:80",
      source: "decision: with no ingressClass option every Ingress counts",
    },
  ]);
});
