// Pulumi programs are compiled to CommonJS as often as to ESM: the built package must load from both,
// by its public names (`ingress-kit`, `ingress-kit/matcher`), with named exports intact.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "../helpers/run-cli";

function runNode(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

describe("the built package", () => {
  it("is built (npm test builds it first)", () => {
    assert.ok(existsSync(join(repoRoot, "dist", "index.js")), "dist/index.js is missing: run npm run build");
  });

  it("loads ingress-kit/matcher from CommonJS with require()", () => {
    const result = runNode([
      "-e",
      `const m = require("ingress-kit/matcher"); console.log(typeof m.compileRoutes, typeof m.findConflicts, typeof m.validateIngress)`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "function function function");
  });

  it("loads ingress-kit/matcher from ESM with named imports", () => {
    const result = runNode([
      "--input-type=module",
      "-e",
      `import { compileRoutes } from "ingress-kit/matcher";
       const table = compileRoutes([{ kind: "Ingress", metadata: { name: "a" }, spec: { rules: [{ host: "a.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }] } }]);
       console.log(table.match("a.example.com", "/x").backend.service.name);`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "web");
  });

  it("loads the components from CommonJS and from ESM", () => {
    const cjs = runNode([
      "-e",
      `const k = require("ingress-kit"); console.log(typeof k.IngressGateway, typeof k.HostRoute)`,
    ]);
    assert.equal(cjs.code, 0, cjs.stderr);
    assert.equal(cjs.stdout, "function function");
    const esm = runNode([
      "--input-type=module",
      "-e",
      `import { IngressGateway, HostRoute } from "ingress-kit"; console.log(typeof IngressGateway, typeof HostRoute)`,
    ]);
    assert.equal(esm.code, 0, esm.stderr);
    assert.equal(esm.stdout, "function function");
  });

  it("keeps the matcher free of dependencies: it loads without node_modules", () => {
    const result = runNode([
      "-e",
      `require("module")._initPaths(); const m = require("./dist/matcher/index.js"); console.log(Object.keys(require.cache).filter((f) => f.includes("node_modules")).length, typeof m.compileRoutes)`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "0 function");
  });
});
