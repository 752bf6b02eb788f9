import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixture, runCli } from "../helpers/run-cli";

describe("ingress-kit route", () => {
  it("prints the backend, the rule, and why it beat the others", async () => {
    const file = fixture("cli-route.yaml");
    const result = await runCli("route", file, "--host", "API.example.com:443", "--path", "/v1/users?page=2");
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /request {2}host "api\.example\.com", path "\/v1\/users"/);
    assert.match(result.stdout, /→ service default\/api-v1:80/);
    assert.match(
      result.stdout,
      new RegExp(
        `rule {5}Prefix "/v1" on host "api.example.com", spec.rules\\[0\\].http.paths\\[1\\] of Ingress default/api \\(${file}:1\\)`,
      ),
    );
    assert.match(
      result.stdout,
      /tls {6}secret default\/wildcard-tls serves server name "api\.example\.com" \(tls host "\*\.example\.com"\)/,
    );
    assert.match(result.stdout, /beat .*Prefix "\/" on host "api\.example\.com" .*shorter than "\/v1"/);
    assert.match(
      result.stdout,
      /beat .*"\*\.example\.com" of Ingress default\/api → service default\/wildcard-v1:80: its host "\*\.example\.com" is less specific/,
    );
    assert.match(
      result.stdout,
      /beat .*Ingress default\/api-copy → service default\/api-v1-copy:80: the same route is defined earlier by Ingress default\/api/,
    );
  });

  it("explains the path it normalised", async () => {
    const result = await runCli(
      "route",
      fixture("cli-route.yaml"),
      "--host",
      "api.example.com",
      "--path",
      "/static/%2e%2e/v1",
    );
    assert.match(result.stdout, /path "\/v1" \(normalised from "\/static\/%2e%2e\/v1"\)/);
    assert.match(result.stdout, /→ service default\/api-v1:80/);
  });

  it("names the default backend when no rule matches", async () => {
    const result = await runCli("route", fixture("cli-route.yaml"), "--host", "other.org", "--path", "/");
    assert.equal(result.code, 0);
    assert.match(
      result.stdout,
      /→ service default\/fallback:8080\n {2}rule {5}the default backend \(spec\.defaultBackend\) of Ingress default\/api/,
    );
  });

  it("exits 1 when nothing serves the request", async () => {
    const result = await runCli("route", fixture("cli-check-valid.yaml"), "--host", "nobody.example.com");
    assert.equal(result.code, 1);
    assert.match(result.stdout, /no backend.*the controller answers 404/);
  });

  it("prints JSON with --json", async () => {
    const result = await runCli(
      "route",
      fixture("cli-route.yaml"),
      "--host",
      "www.example.com",
      "--path",
      "/v1",
      "--json",
    );
    const report = JSON.parse(result.stdout) as {
      match: { backend: { service: { name: string } }; host: string };
      losers: unknown[];
    };
    assert.equal(report.match.backend.service.name, "wildcard-v1");
    assert.equal(report.match.host, "*.example.com");
  });

  it("asks for --ingress-class when the input holds several classes, exit 2", async () => {
    const result = await runCli(
      "route",
      fixture("cli-check-valid.yaml"),
      fixture("conformance-ingress-class.yaml"),
      "--host",
      "x.example.com",
    );
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /the input holds Ingresses of several classes \(.*\): pass --ingress-class NAME/,
    );
  });

  it("exits 2 without --host", async () => {
    const result = await runCli("route", fixture("cli-route.yaml"));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /route needs --host/);
  });
});
