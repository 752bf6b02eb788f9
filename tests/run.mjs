#!/usr/bin/env node
// Runs every tests/**/*.test.ts with Node's own test runner, TypeScript loaded by tsx.
// Node 20's --test does not expand globs or find .ts files itself, hence this small launcher.
// Usage: node tests/run.mjs [path-prefix...]   e.g. node tests/run.mjs tests/matcher
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const prefixes = process.argv.slice(2).map((p) => relative(root, join(process.cwd(), p)));

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "fixtures") continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) found.push(...findTests(full));
    else if (entry.endsWith(".test.ts")) found.push(relative(root, full));
  }
  return found;
}

const files = findTests(join(root, "tests"))
  .filter((f) => prefixes.length === 0 || prefixes.some((p) => f.startsWith(p)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${prefixes.join(" ") || "tests/"}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    "--test-reporter=spec",
    "--test-concurrency=2",
    // A test that hangs fails after 5 minutes, and a file whose tests are done exits even if a failed test left a
    // socket or timer open: a hang must show as a failure, not as a CI run that never ends.
    "--test-timeout=300000",
    "--test-force-exit",
    ...files,
  ],
  { cwd: root, stdio: "inherit", env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "0" } },
);
process.exit(result.status ?? 1);
