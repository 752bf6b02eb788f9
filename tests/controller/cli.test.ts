import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import tls from "node:tls";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { UsageError } from "../../sdk/cli/exit-codes";
import { parseControllerFlags } from "../../sdk/cli/controller";
import { request, upstreamName } from "../helpers/http-client";
import { refusedPort, startUpstream } from "../helpers/upstreams";

const root = join(__dirname, "../..");

/** Process ids of a process's children (the cluster workers of the primary), from /proc. */
function workerPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 (after the parenthesised command) is the parent pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids.sort((a, b) => a - b);
}

async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await refusedPort());
  return [...ports];
}

/** Resolves once the controller's readyz answers 200 (polling: readiness is in another process); rejects if it exits. */
async function waitReady(child: ChildProcess, healthPort: number): Promise<void> {
  let exited = false;
  child.once("exit", () => (exited = true));
  for (;;) {
    if (exited) throw new Error("controller exited before it was ready");
    {
      const ok = await request({ port: healthPort, path: "/readyz", timeoutMs: 1_000 }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe("ingress-kit controller command", () => {
  it("parses every flag with its default", () => {
    const flags = parseControllerFlags([]);
    assert.deepEqual(
      { ...flags, workers: flags.workers },
      {
        ingressClass: "ingress-kit",
        manifests: undefined,
        namespace: undefined,
        kubeconfig: undefined,
        httpPort: 8080,
        httpsPort: 8443,
        healthPort: 10254,
        workers: 1,
        httpEngine: "fast",
        trustedProxies: [],
        accessLog: false,
        shutdownTimeoutMs: 30_000,
        listen: "0.0.0.0",
        publishService: undefined,
        publishAddress: undefined,
      },
    );
    const custom = parseControllerFlags([
      "--ingress-class=edge",
      "--manifests",
      "routes/",
      "--http-port=80",
      "--trusted-proxies",
      "10.0.0.0/8, 192.168.0.0/16",
      "--access-log",
      "--shutdown-timeout=2.5",
      "--workers=3",
      "--http-engine=node",
    ]);
    assert.equal(custom.ingressClass, "edge");
    assert.equal(custom.manifests, "routes/");
    assert.equal(custom.httpPort, 80);
    assert.deepEqual(custom.trustedProxies, ["10.0.0.0/8", "192.168.0.0/16"]);
    assert.equal(custom.accessLog, true);
    assert.equal(custom.shutdownTimeoutMs, 2500);
    assert.equal(custom.workers, 3);
    assert.equal(custom.httpEngine, "node");
    assert.ok(parseControllerFlags(["--workers=auto"]).workers >= 1);
    // Container args written for the bare CLI repeat the subcommand; the image's entry point already has it.
    assert.equal(parseControllerFlags(["controller", "--ingress-class", "public"]).ingressClass, "public");
  });

  it("rejects wrong flags with a usage error naming the value", () => {
    for (const [argv, pattern] of [
      [["--http-port=http"], /--http-port "http" is not a port/],
      [["--workers=-1"], /--workers "-1"/],
      [["--http-engine=h2"], /--http-engine "h2" is not an engine: use fast or node/],
      [["--shutdown-timeout=soon"], /--shutdown-timeout "soon"/],
      [["--bogus"], /bogus/],
      [["--ingress-class=Not_A_Name"], /--ingress-class "Not_A_Name"/],
      [["--publish-service=just-a-name"], /--publish-service "just-a-name" is not namespace\/name/],
    ] as const) {
      assert.throws(
        () => parseControllerFlags([...argv]),
        (error: unknown) => error instanceof UsageError && pattern.test(error.message),
      );
    }
  });

  for (const workers of ["1", "2"]) {
    it(`serves routes from --manifests with --workers ${workers}${workers === "2" ? ", replaces a killed worker" : ""} and exits 0 on SIGTERM`, async (t) => {
      const upstream = await startUpstream("hello");
      t.after(() => upstream.close());
      const dir = await mkdtemp(join(tmpdir(), "ingress-kit-cli-"));
      t.after(() => rm(dir, { recursive: true, force: true }));
      const fixture = await readFile(join(root, "tests/fixtures/controller-cli.yaml"), "utf8");
      await writeFile(join(dir, "routes.yaml"), fixture.replaceAll("UPSTREAM_PORT", String(upstream.port)));
      const [httpPort, httpsPort, healthPort] = (await freePorts(3)) as [number, number, number];
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          join(root, "tests/helpers/run-controller-cli.ts"),
          "--ingress-class=local",
          `--manifests=${dir}`,
          "--listen=127.0.0.1",
          `--http-port=${httpPort}`,
          `--https-port=${httpsPort}`,
          `--health-port=${healthPort}`,
          `--workers=${workers}`,
          "--shutdown-timeout=5",
        ],
        { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOG_LEVEL: "warn" } },
      );
      let output = "";
      child.stdout!.on("data", (chunk: Buffer) => (output += chunk));
      child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
      t.after(() => {
        if (child.exitCode === null) child.kill("SIGKILL");
      });
      await waitReady(child, healthPort);
      for (let i = 0; i < 4; i++) {
        const response = await request({ port: httpPort, host: "hello.localhost" });
        assert.equal(response.status, 200, output);
        assert.equal(upstreamName(response), "hello");
      }
      const metrics = await request({ port: healthPort, path: "/metrics" });
      assert.match(
        metrics.body,
        /ingress_kit_requests_total\{ingress="default\/hello",service="default\/hello:http",status_class="2xx"\} [1-9]/,
      );
      if (workers === "2") {
        // Both workers show the same fallback certificate and accept each other's session tickets.
        const first = await tlsHandshake(httpsPort);
        for (let i = 0; i < 6; i++) {
          assert.equal((await tlsHandshake(httpsPort)).fingerprint, first.fingerprint);
          const resumed = await tlsHandshake(httpsPort, first.session);
          assert.ok(resumed.resumed, `connection ${i} did not resume its TLS session`);
        }
        // The primary restarts a worker that dies; the other worker keeps serving meanwhile.
        const before = workerPids(child.pid!);
        assert.equal(before.length, 2, output);
        process.kill(before[0]!, "SIGKILL");
        // Connections racing the worker's death can be refused or reset, as with any process that dies; what
        // matters is that the surviving worker serves within a moment, before the primary has replaced it.
        const gone = Date.now() + 5_000;
        while (Date.now() < gone && isAlive(before[0]!)) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        let response: Awaited<ReturnType<typeof request>> | null = null;
        for (const retryBy = Date.now() + 1_000; response === null && Date.now() < retryBy;) {
          response = await request({ port: httpPort, host: "hello.localhost" }).catch(() => null);
          if (response === null) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.ok(response, `no answer within 1 s of the worker's death\n${output}`);
        assert.equal(response.status, 200, output);
        const deadline = Date.now() + 30_000;
        let after = workerPids(child.pid!);
        while ((after.length < 2 || after.includes(before[0]!)) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          after = workerPids(child.pid!);
        }
        assert.equal(after.length, 2, output);
        assert.ok(!after.includes(before[0]!));
        await waitReady(child, healthPort);
      }
      const exited = once(child, "exit");
      const stopping = Date.now();
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0, output);
      // Idle, it stops at once: workers leave by themselves rather than at the primary's SIGKILL, which comes
      // after the shutdown timeout plus 5 s (10 s here).
      const stoppedAfter = Date.now() - stopping;
      assert.ok(stoppedAfter < 5_000, `stopped after ${stoppedAfter} ms\n${output}`);
    });
  }
});

/**
 * One TLS handshake without SNI (the fallback certificate): its certificate (absent when resumed), whether it
 * resumed, its session.
 */
async function tlsHandshake(
  port: number,
  session?: Buffer,
): Promise<{ fingerprint: string | undefined; resumed: boolean; session: Buffer }> {
  const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, session });
  // TLS 1.3 sends the session ticket after the handshake.
  const ticket = once(socket, "session") as Promise<[Buffer]>;
  await once(socket, "secureConnect");
  const fingerprint = socket.getPeerCertificate().fingerprint256;
  const resumed = socket.isSessionReused();
  const [next] = session ? [session] : await ticket;
  socket.destroy();
  return { fingerprint, resumed, session: next };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
