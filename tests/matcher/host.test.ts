import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hostMatches, normalizeHost } from "../../sdk/matcher";
import { hostProblem } from "../../sdk/matcher/host";

describe("normalizeHost", () => {
  const cases: [string, string, string][] = [
    ["lowercases", "Shop.Example.COM", "shop.example.com"],
    ["strips the port", "shop.example.com:8443", "shop.example.com"],
    ["strips a trailing dot", "shop.example.com.", "shop.example.com"],
    ["strips port and trailing dot together", "Shop.Example.com.:80", "shop.example.com"],
    ["keeps IPv6 brackets and drops the port", "[::1]:8080", "[::1]"],
    ["leaves an empty host empty", "", ""],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name}: ${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () => {
      assert.equal(normalizeHost(input), expected);
    });
  }
});

describe("hostMatches", () => {
  const cases: [string, string, boolean][] = [
    ["*.foo.com", "bar.foo.com", true],
    ["*.foo.com", "baz.bar.foo.com", false],
    ["*.foo.com", "foo.com", false],
    ["foo.bar.com", "foo.bar.com", true],
    ["foo.bar.com", "bar.com", false],
    ["", "anything.example", true],
  ];
  for (const [rule, host, expected] of cases) {
    it(`rule host ${JSON.stringify(rule)} ${expected ? "matches" : "does not match"} ${host}`, () => {
      assert.equal(hostMatches(rule, host), expected);
    });
  }
});

describe("hostProblem (rule and TLS hosts)", () => {
  const valid = ["shop.example.com", "*.example.com", "a-b.c1.example", "localhost", "x".repeat(63) + ".com"];
  for (const host of valid) {
    it(`accepts ${host.length > 30 ? host.slice(0, 20) + "…" : host}`, () =>
      assert.equal(hostProblem(host), null));
  }
  const invalid: [string, RegExp][] = [
    ["", /empty/],
    ["shop.example.com:80", /port/],
    ["*.*.example.com", /leftmost label/],
    ["foo.*.example.com", /leftmost label/],
    ["*example.com", /leftmost label/],
    ["*.com", /single label/],
    ["10.0.0.1", /IP address/],
    ["Shop.example.com", /upper-case/],
    ["shop.example.com.", /trailing dot/],
    ["shop..example.com", /empty label/],
    ["-shop.example.com", /not lowercase letters/],
    ["shop_1.example.com", /not lowercase letters/],
    ["x".repeat(64) + ".com", /63/],
    ["a.".repeat(130) + "com", /253/],
  ];
  for (const [host, reason] of invalid) {
    it(`rejects ${JSON.stringify(host.length > 30 ? host.slice(0, 20) + "…" : host)}`, () => {
      assert.match(hostProblem(host) ?? "accepted", reason);
    });
  }
});
