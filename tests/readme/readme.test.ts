// Every code block in the README is exercised: run, rendered, or checked against what it mirrors. Each block is
// preceded by `<!-- readme-test: KIND -->`; a block without one fails this test, so the README cannot drift.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { repoRoot, runCliSource } from "../helpers/run-cli";

interface Block {
  readonly kind: string;
  readonly language: string;
  readonly code: string;
  readonly line: number;
}

function readmeBlocks(): Block[] {
  const lines = readFileSync(join(repoRoot, "README.md"), "utf8").split("\n");
  const blocks: Block[] = [];
  let pendingKind: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const tag = /^<!-- readme-test: (.+?) -->$/.exec(lines[i]!);
    if (tag) {
      pendingKind = tag[1]!;
      continue;
    }
    const fence = /^```(\w*)$/.exec(lines[i]!);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i]!);
    blocks.push({
      kind: pendingKind ?? "(untagged)",
      language: fence[1]!,
      code: body.join("\n"),
      line: start + 1,
    });
    pendingKind = null;
  }
  return blocks;
}

const blocks = readmeBlocks();
const ofKind = (kind: string) => blocks.filter((b) => b.kind === kind);
const scratch = join(repoRoot, "tests", ".readme-tmp");
after(() => rmSync(scratch, { recursive: true, force: true }));

function writeProgram(dir: string, files: Record<string, string>): string {
  const path = join(scratch, dir);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, "Pulumi.yaml"), "name: readme-program\nruntime: nodejs\n");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text);
  return path;
}

const squash = (text: string) => text.replace(/\s+/g, " ").trim();

describe("README code blocks", () => {
  it("tags every block with how it is tested", () => {
    const untagged = blocks.filter((b) => b.kind === "(untagged)").map((b) => `README.md:${b.line}`);
    assert.deepEqual(untagged, []);
    assert.ok(blocks.length >= 10, `found ${blocks.length} blocks`);
  });

  it("commands: every command the README shows exists (scripts, test runner paths, CI)", () => {
    const scripts = (
      JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    const ci = readFileSync(join(repoRoot, ".ci", "run"), "utf8");
    for (const block of ofKind("commands")) {
      for (const raw of block.code.split("\n")) {
        const line = raw.replace(/\s+#.*$/, "").trim();
        for (const command of line.split("&&").map((c) => c.trim())) {
          if (command === "npm ci") assert.match(ci, /npm ci/);
          else if (command === "npm test") {
            assert.match(ci, /^npm test$/m, ".ci/run runs the README's test command");
          } else if (command.startsWith("npm run ")) {
            assert.ok(scripts[command.split(" ")[2]!], `package.json has ${command}`);
          } else if (command.startsWith("node tests/run.mjs ")) {
            assert.ok(existsSync(join(repoRoot, command.split(" ")[2]!)));
          } else assert.fail(`README.md:${block.line}: no check for the command ${JSON.stringify(command)}`);
        }
      }
    }
    assert.ok(
      existsSync(join(repoRoot, "tests", "demo", "demo.test.ts")),
      "npm run demo is run by tests/demo",
    );
  });

  it("demo-output: the table is what npm run demo -- --once prints", () => {
    const [block] = ofKind("demo-output");
    const result = spawnSync(
      "npm",
      [
        "run",
        "--silent",
        "demo",
        "--",
        "--once",
        "--http-port",
        "0",
        "--https-port",
        "0",
        "--health-port",
        "0",
      ],
      {
        cwd: repoRoot,
        encoding: "utf8",
        timeout: 180_000,
      },
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
    // Which replica answers first varies between runs: compare replica names as NAME-n.
    const normalise = (text: string) => squash(text.replace(/\b(api|web)-\d\b/g, "$1-n"));
    const printed = normalise(result.stdout);
    for (const line of block!.code.split("\n")) {
      assert.ok(printed.includes(normalise(line)), `printed: ${line}`);
    }
  });

  it("program: the ten-line program renders offline with its route, class and TLS", () => {
    const [block] = ofKind("program");
    const dir = writeProgram("program", { "index.ts": block!.code });
    const result = runCliSource(["render", dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /chart: traefik/);
    assert.match(result.stdout, /ingressClassName: public/);
    assert.match(result.stdout, /- host: shop\.example\.com/);
    assert.match(result.stdout, /type: kubernetes\.io\/tls/);
  });

  it("mocks-test: the mock test of that program passes", () => {
    const [program] = ofKind("program");
    const [block] = ofKind("mocks-test");
    const dir = writeProgram("mocks", { "index.ts": program!.code, "index.test.ts": block!.code });
    // Without NODE_TEST_CONTEXT: inherited from this runner, it makes the inner runner skip its files.
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "--test", "--test-reporter=spec", "index.test.ts"],
      {
        cwd: dir,
        encoding: "utf8",
        timeout: 120_000,
        env,
      },
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /ℹ pass 1/, result.stderr);
  });

  it("conflict-message: the preview error is the one a conflicting program gets", () => {
    const [block] = ofKind("conflict-message");
    const result = runCliSource([
      "render",
      join(repoRoot, "tests", "fixtures", "render-programs", "conflict"),
    ]);
    assert.equal(result.code, 1);
    assert.ok(squash(result.stderr).includes(squash(block!.code)), result.stderr);
  });

  it("run: the matcher snippet prints what its comments say", () => {
    const [block] = ofKind("run");
    mkdirSync(scratch, { recursive: true });
    const file = join(scratch, "snippet.ts");
    writeFileSync(file, block!.code);
    const result = spawnSync(process.execPath, ["--import", "tsx", file], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(result.status, 0, result.stderr);
    const expected = [...block!.code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(result.stdout.trim().split("\n"), expected);
  });

  it("usage: every flag the CLI synopsis shows is in that command's --help", () => {
    for (const line of ofKind("usage")[0]!.code.split("\n")) {
      const command = /^npx ingress-kit (\w+)/.exec(line)?.[1];
      assert.ok(command, line);
      const help = runCliSource([command, "--help"], { timeoutMs: 60_000 });
      assert.equal(help.code, 0, help.stderr);
      for (const flag of line.match(/--[a-z-]+/g) ?? []) {
        assert.ok(help.stdout.includes(flag), `${command} --help mentions ${flag}`);
      }
    }
  });

  it("console: the route example prints the lines shown", () => {
    const [block] = ofKind("console");
    const [commandLine, ...expected] = block!.code.split("\n");
    const argv = commandLine!.replace(/^\$ npx ingress-kit /, "").split(" ");
    const result = runCliSource(argv, { timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stderr);
    for (const line of expected.filter((l) => l.trim() !== "...")) {
      assert.ok(result.stdout.includes(line), `printed: ${line}`);
    }
  });

  it("mirrors: blocks that need a cluster mirror an example that the tests run", () => {
    for (const block of blocks.filter((b) => b.kind.startsWith("mirrors "))) {
      const example = block.kind.slice("mirrors ".length);
      assert.ok(existsSync(join(repoRoot, example, "index.ts")), `${example} exists`);
      assert.match(
        readFileSync(join(repoRoot, "tests", "cli", "render-examples.test.ts"), "utf8"),
        new RegExp(example.split("/")[1]!),
      );
      assert.match(block.code, /pulumi up/);
    }
  });

  it("picture: the only block that is not code is the architecture picture", () => {
    assert.deepEqual(
      ofKind("picture").map((b) => b.language),
      ["text"],
    );
  });
});
