// A cluster worker that fails to start must exit, so that the primary sees it and restarts it (with backoff),
// rather than stay alive on its IPC channel, never serving and never replaced.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const root = join(__dirname, "../..");

describe("controller workers", () => {
  it(
    "a --workers worker whose start fails exits (so the primary restarts it) instead of hanging on its IPC channel",
    { timeout: 40_000 },
    async (t) => {
      const dir = await mkdtemp(join(tmpdir(), "ingress-kit-review-"));
      t.after(() => rm(dir, { recursive: true, force: true }));
      const fixture = await readFile(join(root, "tests/fixtures/controller-cli.yaml"), "utf8");
      await writeFile(join(dir, "routes.yaml"), fixture.replaceAll("UPSTREAM_PORT", "1"));
      // Like bin/ingress-kit.js: the exit code is set, not forced with process.exit(), so a handle left open
      // keeps the process alive (tests/helpers/run-controller-cli.ts calls process.exit and would hide it).
      const runner = join(dir, "runner.ts");
      await writeFile(
        runner,
        `import { main } from ${JSON.stringify(join(root, "sdk/cli/main"))};\n` +
          "main(process.argv.slice(2)).then((code) => { process.exitCode = code; });\n",
      );
      // The HTTP port is taken by another process: each worker's listen fails (EADDRINUSE).
      const blocker = net.createServer();
      blocker.listen(0, "127.0.0.1");
      await once(blocker, "listening");
      t.after(() => blocker.close());
      const busyPort = (blocker.address() as AddressInfo).port;
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          runner,
          "controller",
          "--ingress-class=local",
          `--manifests=${dir}`,
          "--listen=127.0.0.1",
          `--http-port=${busyPort}`,
          "--https-port=0",
          "--health-port=0",
          "--workers=2",
          "--shutdown-timeout=1",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      t.after(() => {
        if (child.exitCode === null) child.kill("SIGKILL");
      });
      let output = "";
      child.stdout!.on("data", (chunk: Buffer) => (output += chunk));
      child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
      const deadline = Date.now() + 20_000;
      while (!output.includes("controller failed to start") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.match(output, /controller failed to start/, output);
      // A worker that returned 1 should exit now; the primary then logs its exit and restarts it (backoff 500 ms).
      const waitUntil = Date.now() + 6_000;
      while (!output.includes("worker exited; restarting") && Date.now() < waitUntil) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      child.kill("SIGKILL");
      assert.ok(
        output.includes("worker exited; restarting"),
        "6 s after 'controller failed to start' the workers have not exited (their IPC channel keeps them alive)",
      );
    },
  );
});
