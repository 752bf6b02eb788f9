// Every process the benchmark starts, and stopping them by process id. Each child is started in a process group
// of its own (detached), so that stopping it also stops what it forked (NGINX's workers, the controller's cluster
// workers): SIGTERM to the group, SIGKILL after a grace period. On exit, SIGINT, SIGTERM, SIGHUP or an error every
// group still running is killed and the temp folder removed; nothing is found or killed by name.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { pollUntil } from "./http-client";
import { LOAD_HOST } from "./routes";

export interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Where its stdout and stderr go (null: discarded). */
  readonly logFile: string | null;
}

const running = new Set<Started>();
const folders = new Set<string>();

function alive(started: Started): boolean {
  return started.child.exitCode === null && started.child.signalCode === null;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Starts `command` in its own process group, its output appended to `logFile` (or discarded). */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile?: string | null } = {},
): Started {
  const logFile = options.logFile ?? null;
  const fd = logFile === null ? "ignore" : openSync(logFile, "a");
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  if (typeof fd === "number") closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const started: Started = { name, child, pid: child.pid, logFile };
  running.add(started);
  child.once("exit", () => running.delete(started));
  // A failure to spawn is reported through "error"; the exit listener above then never runs.
  child.once("error", () => running.delete(started));
  return started;
}

/** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the leader has exited. */
export async function stopProcess(started: Started, graceMs = 5_000): Promise<void> {
  if (!alive(started)) {
    signalGroup(started.pid, "SIGKILL"); // anything it left behind in its group
    return;
  }
  const exited = once(started.child, "exit");
  signalGroup(started.pid, "SIGTERM");
  const timer = setTimeout(() => signalGroup(started.pid, "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  signalGroup(started.pid, "SIGKILL");
}

/** Resolves when the process exits, with its code; for a process expected to finish (wrk). */
export async function waitForExit(started: Started): Promise<number | null> {
  if (!alive(started)) return started.child.exitCode;
  const [code] = (await once(started.child, "exit")) as [number | null];
  return code;
}

/** The last lines of a process's log, for error messages. */
export function logTail(started: Started, lines = 15): string {
  if (started.logFile === null) return "";
  try {
    return readFileSync(started.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Removed on exit, after every process is stopped. */
export function removeOnExit(folder: string): void {
  folders.add(folder);
}

/** Synchronous: SIGKILL to every group still running, then remove the temp folders. */
export function stopEverything(): void {
  for (const started of running) signalGroup(started.pid, "SIGKILL");
  running.clear();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  folders.clear();
}

/** Stops everything on exit and on SIGINT, SIGTERM and SIGHUP (exit status 128 + signal number). */
export function installCleanup(): void {
  process.once("exit", stopEverything);
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
  for (const [signal, number] of Object.entries(numbers) as [NodeJS.Signals, number][]) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping everything the benchmark started\n`);
      stopEverything();
      process.exit(128 + number);
    });
  }
}

/**
 * Waits until a proxy just started answers 200 on `port` for the benchmark's load host; if it exits or does not
 * answer within 10 s, stops it and throws (with the tail of its log).
 */
export async function untilServing(started: Started, port: number, what: string): Promise<void> {
  try {
    await pollUntil({ port, tls: false, host: LOAD_HOST, path: "/" }, (r) => r.status === 200, {
      intervalMs: 50,
      timeoutMs: 10_000,
      abort: () => (started.child.exitCode !== null ? `${what} exited: ${logTail(started)}` : null),
    });
  } catch (error) {
    await stopProcess(started);
    throw error;
  }
}
