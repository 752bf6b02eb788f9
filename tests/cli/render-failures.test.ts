// `ingress-kit render` on programs that must not render: one clear line each and an exit code that means one thing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixture, runCliSource } from "../helpers/run-cli";

const program = (name: string) => fixture(`render-programs/${name}`);

describe("ingress-kit render: bad programs", () => {
  it("fails a program with a route conflict with the preview's message, exit 1", () => {
    const result = runCliSource(["render", program("conflict")]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /^error: .*HostRoute "billing".*"\/api" \(Prefix\) on host "shop\.example\.com".*HostRoute "catalog"/m,
    );
    assert.equal(result.stdout, "", "nothing is rendered");
  });

  it("reports an error the program throws in one line, exit 1", () => {
    const result = runCliSource(["render", program("throws")]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^error: the program gave up: REGION is not set$/m);
  });

  it("reports TypeScript errors with file, line and column before running anything, exit 3", () => {
    const result = runCliSource(["render", program("type-error")]);
    assert.equal(result.code, 3, result.stderr);
    assert.match(
      result.stderr,
      /type-error\/index\.ts:4:7: error TS2322: Type 'string' is not assignable to type 'number'\./,
    );
    assert.match(result.stderr, /the program has TypeScript errors/);
  });

  it("says so when the folder does not exist, exit 2", () => {
    const result = runCliSource(["render", "/nonexistent/program"]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim(), "ingress-kit render: /nonexistent/program: no such folder");
  });

  it("says so when the folder holds no Pulumi program, exit 2", () => {
    const result = runCliSource(["render", fixture("")]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no Pulumi\.yaml here/);
  });
});
