import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { normalizeRequestPath, pathMatches } from "../../sdk/matcher";
import { unreachablePathReason } from "../../sdk/matcher/path";

describe("normalizeRequestPath", () => {
  const cases: [string, string, string][] = [
    ["keeps a clean path as it is", "/api/v1/users", "/api/v1/users"],
    ["strips the query", "/api?x=/admin", "/api"],
    ["strips the fragment", "/api#/admin", "/api"],
    ["resolves '..' segments", "/api/../admin", "/admin"],
    ["never climbs above the root", "/a/../../b", "/b"],
    ["resolves '.' segments", "/a/./b/.", "/a/b/"],
    ["merges duplicate slashes", "//admin///x", "/admin/x"],
    ["decodes an encoded dot-dot", "/%2e%2e/admin", "/admin"],
    ["decodes encoded dot-dot inside a path", "/api/%2E%2E/admin", "/admin"],
    ["decodes unreserved characters", "/%61pi/%7Euser", "/api/~user"],
    ["keeps an encoded slash encoded, upper-cased", "/a%2fb", "/a%2Fb"],
    ["encodes a stray percent sign", "/100%", "/100%25"],
    ["encodes non-ASCII characters as UTF-8", "/café/ü", "/caf%C3%A9/%C3%BC"],
    ["encodes a space and unsafe characters", "/a b/<x>", "/a%20b/%3Cx%3E"],
    ["keeps an already encoded non-ASCII character", "/caf%c3%a9", "/caf%C3%A9"],
    ["keeps an encoded NUL encoded", "/a%00/b", "/a%00/b"],
    ["adds a leading slash", "api", "/api"],
    ["reads the path of an absolute-form target", "http://shop.example.com/a/../b?q", "/b"],
    ["turns an empty target into /", "", "/"],
    ["keeps a trailing slash", "/api/", "/api/"],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name}: ${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () => {
      assert.equal(normalizeRequestPath(input), expected);
    });
  }

  it("normalises a 10 MB hostile path in linear time without throwing", () => {
    const hostile = "/a/..".repeat(2_000_000) + "/%2e%2e/admin";
    const started = process.hrtime.bigint();
    assert.equal(normalizeRequestPath(hostile), "/admin");
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 5000, `took ${ms} ms`);
  });
});

// The path-type examples of https://kubernetes.io/docs/concepts/services-networking/ingress/#examples
describe("pathMatches: the Kubernetes documentation's examples", () => {
  const cases: [string, string, string, boolean][] = [
    ["Prefix", "/", "/aaa/bbb", true],
    ["Prefix", "/", "/", true],
    ["Exact", "/foo", "/foo", true],
    ["Exact", "/foo", "/bar", false],
    ["Exact", "/foo", "/foo/", false],
    ["Exact", "/foo/", "/foo", false],
    ["Prefix", "/foo", "/foo", true],
    ["Prefix", "/foo", "/foo/", true],
    ["Prefix", "/foo/", "/foo", true],
    ["Prefix", "/foo/", "/foo/", true],
    ["Prefix", "/aaa/bb", "/aaa/bbb", false],
    ["Prefix", "/aaa/bbb", "/aaa/bbb", true],
    ["Prefix", "/aaa/bbb/", "/aaa/bbb", true],
    ["Prefix", "/aaa/bbb", "/aaa/bbb/", true],
    ["Prefix", "/aaa/bbb", "/aaa/bbb/ccc", true],
    ["Prefix", "/aaa/bbb", "/aaa/bbbxyz", false],
    ["Prefix", "/foo", "/foobar", false],
    ["ImplementationSpecific", "/foo", "/foo/bar", true],
    ["ImplementationSpecific", "/foo", "/foobar", false],
  ];
  for (const [pathType, rule, request, expected] of cases) {
    it(`${pathType} ${rule} ${expected ? "matches" : "does not match"} ${request}`, () => {
      assert.equal(pathMatches(rule, pathType as "Exact", request), expected);
    });
  }
});

describe("unreachablePathReason", () => {
  const unreachable: [string, RegExp][] = [
    ["/a//b", /'\/\/'/],
    ["/a/./b", /segment/],
    ["/a/../b", /segment/],
    ["/api?x", /'\?'/],
  ];
  for (const [path, reason] of unreachable) {
    it(`${path} can never be reached`, () =>
      assert.match(unreachablePathReason(path) ?? "reachable", reason));
  }
  for (const path of ["/", "/api", "/api/", "/a%2Fb", "/.well-known/acme", "/a.b/c", "/caf%C3%A9"]) {
    it(`${path} can be reached`, () => assert.equal(unreachablePathReason(path), null));
  }
});
