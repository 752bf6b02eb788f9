import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { affinitySetCookie, readCookie } from "../../../sdk/controller/proxy/affinity-cookie";
import { flattenResponseHeaders } from "../../../sdk/controller/proxy/forwarded-headers";
import { rewritePath } from "../../../sdk/controller/proxy/path-rewrite";
import { splitHost } from "../../../sdk/controller/proxy/proxy-handler";
import { TrustedProxies } from "../../../sdk/controller/proxy/trusted-proxies";

describe("rewrite-target", () => {
  const cases: [string, "Exact" | "Prefix", string, string, string][] = [
    ["/api", "Prefix", "/", "/api/users", "/users"],
    ["/api", "Prefix", "/", "/api", "/"],
    ["/api/", "Prefix", "/v2", "/api/users", "/v2/users"],
    ["/api", "Prefix", "/v2/", "/api/users/1", "/v2/users/1"],
    ["/api", "Prefix", "/v2", "/api/", "/v2/"],
    ["/", "Prefix", "/app/", "/x/y", "/app/x/y"],
    ["/login", "Exact", "/auth/login", "/login", "/auth/login"],
  ];
  for (const [path, pathType, target, request, expected] of cases) {
    it(`${pathType} ${path} with target ${target} sends ${request} as ${expected}`, () => {
      assert.equal(rewritePath({ path, pathType }, request, target), expected);
    });
  }
});

describe("trusted proxies", () => {
  it("matches IPv4 and IPv6 CIDRs, single addresses and IPv4-mapped peers", () => {
    const trusted = new TrustedProxies(["10.0.0.0/8", "192.168.1.7", "fd00::/8"]);
    assert.equal(trusted.trusts("10.1.2.3"), true);
    assert.equal(trusted.trusts("::ffff:10.1.2.3"), true);
    assert.equal(trusted.trusts("192.168.1.7"), true);
    assert.equal(trusted.trusts("192.168.1.8"), false);
    assert.equal(trusted.trusts("fd12::1"), true);
    assert.equal(trusted.trusts("2001:db8::1"), false);
    assert.equal(trusted.trusts(undefined), false);
    assert.equal(new TrustedProxies([]).trusts("127.0.0.1"), false);
  });

  it("names the first invalid entry", () => {
    assert.throws(
      () => new TrustedProxies(["10.0.0.0/8", "10.0.0.0/33"]),
      /invalid trusted proxy "10\.0\.0\.0\/33"/,
    );
    assert.throws(() => new TrustedProxies(["proxy.local"]), /invalid trusted proxy "proxy\.local"/);
  });
});

describe("request helpers", () => {
  it("reads one cookie among several", () => {
    assert.equal(readCookie("a=1; INGRESSKIT=abc; b=2", "INGRESSKIT"), "abc");
    assert.equal(readCookie("INGRESSKITX=1", "INGRESSKIT"), null);
    assert.equal(readCookie(undefined, "INGRESSKIT"), null);
    assert.equal(affinitySetCookie("S", "id", true), "S=id; Path=/; HttpOnly; SameSite=Lax; Secure");
  });

  it("splits Host headers with ports and IPv6 literals", () => {
    assert.deepEqual(splitHost("shop.test:8080"), { name: "shop.test", port: "8080" });
    assert.deepEqual(splitHost("shop.test"), { name: "shop.test", port: "" });
    assert.deepEqual(splitHost("[::1]:8443"), { name: "[::1]", port: "8443" });
  });

  it("drops hop-by-hop response headers and those Connection names, and keeps repeated Set-Cookie", () => {
    assert.deepEqual(
      flattenResponseHeaders({
        "content-type": "text/plain",
        connection: "keep-alive, x-hop",
        "keep-alive": "timeout=5",
        "transfer-encoding": "chunked",
        "x-hop": "1",
        "set-cookie": ["a=1", "b=2"],
        "x-kept": "yes",
      }),
      ["content-type", "text/plain", "set-cookie", "a=1", "set-cookie", "b=2", "x-kept", "yes"],
    );
  });
});
