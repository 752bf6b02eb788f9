// What the mock runtime cannot expand is named, not silently left out.
import assert from "node:assert/strict";
import { it } from "node:test";
import { fixture, runCliSource } from "../helpers/run-cli";

it("render warns that a ConfigGroup's objects are not rendered, and renders the rest", () => {
  const result = runCliSource(["render", fixture("render-programs/config-group")]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /^warning: kubernetes:yaml\/v2:ConfigGroup "extras" is expanded by the Kubernetes provider at deploy time; its objects are not rendered$/m,
  );
  assert.match(result.stdout, /kind: ConfigMap\nmetadata:\n {2}name: plain/);
  assert.doesNotMatch(result.stdout, /name: extra\b/);
});
