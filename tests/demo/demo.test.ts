// `npm run demo -- --once`, as a newcomer runs it (through npm, on fresh ports), and its bad-input paths.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { repoRoot } from "../helpers/run-cli";

function runDemo(args: string[]) {
  const result = spawnSync("npm", ["run", "--silent", "demo", "--", ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 180_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run demo", () => {
  it("serves the two-service example and passes every live check (--once, fresh ports)", () => {
    const result = runDemo(["--once", "--http-port", "0", "--https-port", "0", "--health-port", "0"]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const out = result.stdout;
    assert.match(out, /2 Ingress\(es\) on class "public": api\.example\.com, www\.example\.com/);
    assert.match(out, /✔ +https:\/\/api\.example\.com\/ +200 +api-[01] +api\.example\.com \(demo CA\)/);
    assert.match(out, /✔ +https:\/\/www\.example\.com\/ +200 +web-\d +www\.example\.com \(demo CA\)/);
    assert.match(out, /✔ +http:\/\/api\.example\.com\/ +308 +→ https:\/\/api\.example\.com\//);
    assert.match(
      out,
      /✔ +https:\/\/unknown\.example\.org\/ +404 +- +ingress-kit fallback certificate \(fallback, untrusted\)/,
    );
    assert.match(out, /✔ round robin on api: answered by api-0, api-1 \(replicas: api-0, api-1\)/);
    assert.match(
      out,
      /curl --cacert \S+demo-ca\.crt --resolve api\.example\.com:\d+:127\.0\.0\.1 https:\/\/api\.example\.com:\d+\//,
    );
    assert.match(out, /✔ every check passed/);
    assert.doesNotMatch(out, /✖/);
  });

  it("says which port is busy and exits 2", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const busy = (blocker.address() as AddressInfo).port;
    try {
      const result = runDemo([
        "--once",
        "--http-port",
        String(busy),
        "--https-port",
        "0",
        "--health-port",
        "0",
      ]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(
        result.stdout,
        new RegExp(`demo: port ${busy} is already in use on 127\\.0\\.0\\.1: .*--http-port`),
      );
    } finally {
      blocker.close();
    }
  });

  it("rejects a bad port with a clear line, exit 2", () => {
    const result = runDemo(["--http-port", "70000"]);
    assert.equal(result.code, 2);
    assert.match(result.stdout, /--http-port must be a port number from 0 to 65535, got "70000"/);
  });
});
