// `{ name, port }` backends given as Outputs: checked as soon as their values are known (during `pulumi up`), with
// the same code as plain values; in a preview an unknown value cannot be checked and the route is created.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { errorOf } from "../helpers/outputs";
import { installMocks } from "../helpers/pulumi-mocks";

let checks: typeof import("../../sdk/components/service-ref-checks.js");

before(async () => {
  await installMocks({ preview: false });
  checks = await import("../../sdk/components/service-ref-checks.js");
});

function runProgram(mode: "preview" | "update", backend: string): { status: number | null; output: string } {
  const program = join(__dirname, "programs", "output-backend.ts");
  const result = spawnSync(process.execPath, ["--import", "tsx", program, mode, backend], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe("checkKnownServiceRef (the check run once the values are known)", () => {
  const cases = [
    { name: "Api_Service", port: 80, field: "paths[1].service.name", quoted: '"Api_Service"' },
    { name: "", port: 80, field: "paths[1].service.name", quoted: '""' },
    { name: "api", port: 0, field: "paths[1].service.port", quoted: " 0 " },
    { name: "api", port: 70000, field: "paths[1].service.port", quoted: " 70000 " },
    { name: "api", port: "HTTP_PORT", field: "paths[1].service.port", quoted: '"HTTP_PORT"' },
    { name: "api", port: undefined, field: "paths[1].service.port", quoted: "missing" },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.name)} port ${JSON.stringify(c.port)} fails with ERR_INVALID_BACKEND on ${c.field}`, () => {
      const error = errorOf(() => checks.checkKnownServiceRef("api", "paths[1]", c.name, c.port, undefined));
      assert.equal(pulumi.ResourceError.isInstance(error as unknown), true, error.message);
      assert.equal(error.code, "ERR_INVALID_BACKEND");
      assert.ok(error.message.startsWith(`HostRoute "api": ${c.field}`), error.message);
      assert.ok(error.message.includes(c.quoted), error.message);
      assert.match(error.message, /\[ERR_INVALID_BACKEND\]$/);
    });
  }

  test("a Service name and a port number or name pass", () => {
    checks.checkKnownServiceRef("api", "paths[0]", "api", 8080, undefined);
    checks.checkKnownServiceRef("api", "paths[0]", "api-v2", "http", undefined);
  });
});

describe("a program with a { name, port } backend given as Outputs", () => {
  test("fails the update with the route's message when the port is out of range, creating no Ingress", () => {
    const { status, output } = runProgram("update", "bad-port");
    assert.notEqual(status, 0, output);
    assert.ok(output.includes('HostRoute "api": paths[1].service.port 70000 is not a port number'), output);
    assert.ok(output.includes("[ERR_INVALID_BACKEND]"), output);
    assert.ok(output.includes("ingresses created: 0"), output);
  });

  test("fails the update with the route's message when the name is not a Service name", () => {
    const { status, output } = runProgram("update", "bad-name");
    assert.notEqual(status, 0, output);
    assert.ok(output.includes('HostRoute "api": paths[1].service.name "Api_Service"'), output);
    assert.ok(output.includes("[ERR_INVALID_BACKEND]"), output);
    assert.ok(output.includes("ingresses created: 0"), output);
  });

  test("with valid values, creates the Ingress with them", () => {
    const { status, output } = runProgram("update", "good");
    assert.equal(status, 0, output);
    assert.ok(output.includes("ingresses created: 1"), output);
    assert.ok(output.includes('{"service":{"name":"api","port":{"number":8080}}}'), output);
  });

  test("in a preview, where the values are unknown, cannot check them and creates the Ingress", () => {
    const { status, output } = runProgram("preview", "unknown");
    assert.equal(status, 0, output);
    assert.ok(output.includes("ingresses created: 1"), output);
  });
});
