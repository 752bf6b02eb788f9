// The bundled controller as a proxy under test: `ingress-kit controller --manifests FOLDER` (run-controller.ts,
// compiled: controller-build.ts) on 127.0.0.1, warnings-only logs, NODE_ENV=production. Its
// flags are read from its own `--help` at run time, so the benchmark follows the controller as it changes:
// `--http-engine node` (rows for the node:http engine) and a debounce flag are used only when the help lists
// them.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pollUntil, request, type Target } from "./http-client";
import { logTail, startProcess, stopProcess, type Started } from "./processes";
import type { ProxyUnderTest } from "./proxy-under-test";
import type { ControllerEntry } from "./controller-build";
import { INGRESS_CLASS } from "./manifests";

const ROOT = join(__dirname, "..", "..");

export interface ControllerFeatures {
  /** Whether `--help` lists `--http-engine` (then `--http-engine node` selects the node:http engine). */
  readonly httpEngineFlag: boolean;
  /** A flag that sets the file source's debounce, as `--name=value` for a small value, or null. */
  readonly smallDebounceFlag: string | null;
}

/** Runs `controller --help` and reads what it offers. */
export function controllerFeatures(entry: ControllerEntry): ControllerFeatures {
  const out = spawnSync(process.execPath, [...entry.args, "--help"], {
    cwd: ROOT,
    env: entry.env,
    encoding: "utf8",
    timeout: 60_000,
  });
  const help = out.stdout ?? "";
  const debounceLine = help.split("\n").find((line) => /--[a-z-]*debounce/.test(line));
  let smallDebounceFlag: string | null = null;
  if (debounceLine !== undefined) {
    const flag = /--[a-z-]*debounce[a-z-]*/.exec(debounceLine)?.[0] ?? "";
    // The unit is not known in advance: 5 ms, in the unit the help names.
    smallDebounceFlag = /\bms\b|millisecond/i.test(debounceLine) ? `${flag}=5` : `${flag}=0.005`;
  }
  return { httpEngineFlag: /--http-engine\b/.test(help), smallDebounceFlag };
}

/** "ingress-kit 0.1.0 (git abc1234, sdk modified)", from package.json and read-only git commands. */
export function controllerVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" });
  if (head.status !== 0) return `ingress-kit ${pkg.version}`;
  const clean = spawnSync("git", ["diff", "--quiet", "HEAD", "--", "sdk"], { cwd: ROOT }).status === 0;
  return `ingress-kit ${pkg.version} (git ${head.stdout.trim()}${clean ? "" : ", sdk modified"})`;
}

export interface RunningController extends ProxyUnderTest {
  readonly healthPort: number;
  /** ms from spawn to /readyz answering 200 and the first route answering. */
  readonly readyMs: number;
  readonly started: Started;
}

export async function startBenchController(options: {
  entry: ControllerEntry;
  dir: string;
  /** For file names: unique per controller in one run. */
  name: string;
  manifests: string;
  workers: number;
  /** `--http-engine` value, or null for the default. */
  engine: string | null;
  ports: { plain: number; tls: number; health: number };
  /** Polled after /readyz until it answers 200. */
  firstRoute: Omit<Target, "port" | "tls">;
  extraFlags?: readonly string[];
}): Promise<RunningController> {
  const { ports } = options;
  const flags = [
    `--ingress-class=${INGRESS_CLASS}`,
    `--manifests=${options.manifests}`,
    "--listen=127.0.0.1",
    `--http-port=${ports.plain}`,
    `--https-port=${ports.tls}`,
    `--health-port=${ports.health}`,
    `--workers=${options.workers}`,
    "--shutdown-timeout=1",
    ...(options.engine === null ? [] : [`--http-engine=${options.engine}`]),
    ...(options.extraFlags ?? []),
  ];
  const t0 = performance.now();
  const started = startProcess(options.name, process.execPath, [...options.entry.args, ...flags], {
    cwd: ROOT,
    env: { ...options.entry.env, LOG_LEVEL: "warn", NODE_ENV: "production" },
    logFile: join(options.dir, `${options.name}.log`),
  });
  const abort = (): string | null =>
    started.child.exitCode !== null
      ? `${options.name} exited (${started.child.exitCode}): ${logTail(started)}`
      : null;
  try {
    await pollUntil(
      { port: ports.health, tls: false, host: "localhost", path: "/readyz" },
      (r) => r.status === 200,
      {
        intervalMs: 10,
        timeoutMs: 180_000,
        abort,
      },
    );
    await pollUntil({ ...options.firstRoute, port: ports.plain, tls: false }, (r) => r.status === 200, {
      intervalMs: 10,
      timeoutMs: 30_000,
      abort,
    });
  } catch (error) {
    await stopProcess(started);
    throw error;
  }
  const readyMs = performance.now() - t0;
  return {
    kind: options.engine === null ? "controller" : "controller-node",
    label: options.engine === null ? "controller" : `controller, --http-engine ${options.engine}`,
    workers: options.workers,
    workerNoun: "workers",
    ports,
    pid: started.pid,
    healthPort: ports.health,
    readyMs,
    started,
    stop: () => stopProcess(started, 8_000),
  };
}

/** The controller's snapshot reload histogram: how many builds and their total seconds so far. */
export async function reloadTotals(healthPort: number): Promise<{ count: number; seconds: number } | null> {
  try {
    const reply = await request({ port: healthPort, tls: false, host: "localhost", path: "/metrics" });
    const value = (name: string): number =>
      Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, "m").exec(reply.body)?.[1] ?? NaN);
    const count = value("ingress_kit_snapshot_reload_duration_seconds_count");
    const seconds = value("ingress_kit_snapshot_reload_duration_seconds_sum");
    return Number.isFinite(count) && Number.isFinite(seconds) ? { count, seconds } : null;
  } catch {
    return null;
  }
}
