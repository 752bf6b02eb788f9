import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fixture, runCli, runCliProcess } from "../helpers/run-cli";

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ingress-kit-check-"));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("ingress-kit check", () => {
  it("passes valid manifests and notes the objects it ignored", async () => {
    const result = await runCli("check", fixture("cli-check-valid.yaml"));
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /note: ignored 2 object\(s\) that are not Ingresses \(1 IngressClass, 1 Service\)/,
    );
    assert.match(result.stdout, /✔ 1 Ingress in 1 file: no problems/);
  });

  it("reports conflicts in a List, naming every served object with its file and line, and exits 1", async () => {
    const file = fixture("cli-check-conflicts.yaml");
    const result = await runCli("check", file);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      new RegExp(
        `${file}:33: error ERR_INVALID_HOST: Ingress shop/billing: spec\\.rules\\[0\\]\\.host "Shop\\.example\\.com" has upper-case letters`,
      ),
    );
    assert.match(
      result.stdout,
      new RegExp(
        `${file}:5, ${file}:43: error ERR_ROUTE_CONFLICT: Path "/api" \\(Prefix\\) on host "shop.example.com"`,
      ),
    );
    assert.match(
      result.stdout,
      /shop\/catalog \(service shop\/catalog:80\), shop\/orders \(service shop\/orders:80\); shop\/catalog is older/,
    );
  });

  it("prints one JSON document with --json", async () => {
    const result = await runCli("check", "--json", fixture("cli-check-conflicts.yaml"));
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout) as {
      ingresses: number;
      errors: number;
      problems: { code: string; line: number }[];
      conflicts: { code: string; objects: { name: string; line: number }[] }[];
    };
    assert.equal(report.ingresses, 3);
    assert.deepEqual(
      report.problems.map((p) => [p.code, p.line]),
      [["ERR_INVALID_HOST", 33]],
    );
    assert.deepEqual(
      report.conflicts.map((c) => [c.code, c.objects.map((o) => `${o.name}:${o.line}`)]),
      [["ERR_ROUTE_CONFLICT", ["catalog:5", "orders:43"]]],
    );
    assert.equal(report.errors, 2);
  });

  it("checks only one class with --ingress-class", async () => {
    const result = await runCli("check", "--ingress-class", "internal", fixture("cli-check-conflicts.yaml"));
    assert.equal(result.code, 0);
    assert.match(result.stdout, /0 Ingresses in 1 file: no problems/);
  });

  it("fails on warnings unless --allow-warnings", async () => {
    const file = tempFile(
      "dup.yaml",
      ["a", "b"]
        .map(
          (name) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: ${name} }
spec:
  rules:
    - host: x.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
`,
        )
        .join("---\n"),
    );
    const strict = await runCli("check", file);
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /warning WARN_DUPLICATE_ROUTE/);
    assert.equal((await runCli("check", "--allow-warnings", file)).code, 0);
  });

  it("reports an Ingress in a removed API version", async () => {
    const file = tempFile(
      "old.yaml",
      "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: { name: old }\nspec: { backend: { serviceName: a, servicePort: 80 } }\n",
    );
    const result = await runCli("check", file);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /ERR_REMOVED_API: Ingress default\/old: apiVersion "extensions\/v1beta1" is not served since Kubernetes 1\.22/,
    );
  });

  it("exits 2 with file, line and column for malformed YAML", async () => {
    const file = tempFile(
      "broken.yaml",
      "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: [unclosed\n",
    );
    const result = await runCli("check", file);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`${file}:\\d+:\\d+: `));
  });

  it("exits 2 with file and line for a YAML alias bomb, instead of expanding it", async () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(", ")}]`,
      ),
    ].join("\n");
    const result = await runCli("check", tempFile("bomb.yaml", bomb + "\n"));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /bomb\.yaml:1:1: Excessive alias count/);
  });

  it("notes when the input holds no Ingress at all", async () => {
    const result = await runCli(
      "check",
      tempFile("none.yaml", "apiVersion: v1\nkind: Service\nmetadata: { name: s }\n"),
    );
    assert.equal(result.code, 0);
    assert.match(result.stdout, /note: no Ingress objects in the input/);
  });

  it("exits 2 for a file that does not exist", async () => {
    const result = await runCli("check", "/nonexistent/ingress.yaml");
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\/nonexistent\/ingress\.yaml: no such file or folder/);
  });

  it("exits 2 with usage for a missing FILE or an unknown option", async () => {
    const missing = await runCli("check");
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /check needs at least one FILE/);
    const unknown = await runCli("check", "--bogus", fixture("cli-check-valid.yaml"));
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--bogus'/);
  });

  it("survives absurd input: 10,000 rules with a 10 MB path among them", async () => {
    const paths = Array.from({ length: 10_000 }, (_, i) => ({
      path: `/p${i}`,
      pathType: "Prefix",
      backend: { service: { name: "s", port: { number: 80 } } },
    }));
    paths.push({
      path: "/" + "x".repeat(10 * 1024 * 1024),
      pathType: "Prefix",
      backend: { service: { name: "s", port: { number: 80 } } },
    });
    const file = tempFile(
      "huge.json",
      JSON.stringify({
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "huge" },
        spec: { rules: [{ host: "h.example.com", http: { paths } }] },
      }),
    );
    const result = await runCli("check", file);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /ERR_INVALID_PATH: .*paths\[10000\]\.path is 10485761 characters long; the limit is 8192/,
    );
    assert.ok(result.stdout.length < 10_000, "the output quotes a bounded part of the path");
  });

  it("reads standard input with - (as a real process, exit code included)", () => {
    const result = runCliProcess(["check", "-"], {
      input:
        '{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"j"},"spec":{"rules":[{"host":"bad_host","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]}}',
    });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^<stdin>:1: error ERR_INVALID_HOST: Ingress default\/j/m);
    assert.ok(!result.stdout.includes("\u001b["), "no colour when not on a terminal");
  });
});
