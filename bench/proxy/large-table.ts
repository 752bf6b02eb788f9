// The second mode (`--ingresses N`): the controller with N generated Ingresses against the same controller with
// the small table of the first mode, for each worker count, in turn (small, large, small, large): time to ready,
// resident memory of every controller process, requests/s to one host, and, with the first worker count, how
// long one change takes to be served (an Ingress for a new host added to the manifests, the host polled every
// 2 ms until it answers 200 instead of 404, timed from the file write). The snapshot compile time of each change
// comes from the controller's own `ingress_kit_snapshot_reload_duration_seconds` histogram.
import { join } from "node:path";
import type { BenchSetup } from "./bench-setup";
import { reloadTotals, startBenchController, type RunningController } from "./controller";
import { freePort, pollUntil, request, sleep } from "./http-client";
import {
  addIngress,
  largeTableHost,
  writeLargeTable,
  writeRoutesManifests,
  INGRESSES_PER_FILE,
} from "./manifests";
import { childPids, processMemory, type ProcessMemory } from "./proc-status";
import { LOAD_HOST } from "./routes";
import { errorSummary, runWrk, type LoadSettings, type WrkResult } from "./wrk";

export interface TableRun {
  readonly table: "small" | "large";
  readonly ingresses: number;
  readonly workers: number;
  readonly host: string;
  /** From spawn to /readyz 200 and the host answering. */
  readonly readyMs: number;
  /** Mean snapshot compile time of the builds so far (the first one, per worker). */
  readonly firstBuildMs: number | null;
  /** Resident memory once ready, and after the load: the primary first, then the cluster workers. */
  readonly memoryReady: readonly ProcessMemory[];
  readonly memoryAfterLoad: readonly ProcessMemory[];
  readonly load: WrkResult;
  readonly errors: string;
  /** requests/s of this run over the small table's with the same worker count (large table only). */
  readonly vsSmallTable: number | null;
}

export interface ChangeTiming {
  readonly how: string;
  /** "default" or the debounce flag used. */
  readonly settings: string;
  readonly workers: number;
  /** From the file write to the first 200 from the new host, ms, one per change. */
  readonly servedMs: readonly number[];
  /** Snapshot compile time per change (from the controller's metrics), ms. */
  readonly buildMs: readonly number[];
  readonly failures: readonly string[];
}

export interface LargeTable {
  readonly ingresses: number;
  readonly ingressesPerFile: number;
  readonly runs: readonly TableRun[];
  readonly changes: readonly ChangeTiming[];
  readonly notes: readonly string[];
}

type Log = (line: string) => void;

/** The controller's processes: the one started, then its cluster workers (children running the same entry). */
function controllerMemory(controller: RunningController): ProcessMemory[] {
  const primary = processMemory(controller.pid);
  const workers = childPids(controller.pid)
    .map(processMemory)
    .filter((m): m is ProcessMemory => m !== null && m.command.includes("run-controller"));
  return primary === null ? workers : [primary, ...workers];
}

async function firstBuildMs(controller: RunningController): Promise<number | null> {
  const totals = await reloadTotals(controller.healthPort);
  return totals && totals.count > 0 ? (totals.seconds / totals.count) * 1000 : null;
}

async function timeChanges(
  controller: RunningController,
  options: {
    how: "append" | "file";
    count: number;
    manifests: string;
    firstFile: string;
    /** Ingresses in firstFile before the changes. */
    firstFileIngresses: number;
    settings: string;
  },
  log: Log,
): Promise<ChangeTiming> {
  const servedMs: number[] = [];
  const buildMs: number[] = [];
  const failures: string[] = [];
  for (let k = 1; k <= options.count; k++) {
    const name = `change-${options.how}-${options.settings === "default" ? "d" : "s"}-${k}`;
    const host = `${name}.example.com`;
    const target = { port: controller.ports.plain, tls: false, host, path: "/" };
    try {
      const before = await request(target);
      if (before.status !== 404) throw new Error(`${host} answered ${before.status} before the change`);
      const totals = await reloadTotals(controller.healthPort);
      const t0 = performance.now();
      addIngress(
        options.how === "append"
          ? { appendTo: options.firstFile }
          : { newFile: join(options.manifests, `${name}.yaml`) },
        name,
        host,
      );
      await pollUntil(target, (reply) => reply.status === 200, { intervalMs: 2, timeoutMs: 30_000 });
      servedMs.push(performance.now() - t0);
      const after = await reloadTotals(controller.healthPort);
      if (totals && after && after.count > totals.count) {
        buildMs.push(((after.seconds - totals.seconds) / (after.count - totals.count)) * 1000);
      }
    } catch (error) {
      failures.push((error as Error).message);
    }
    await sleep(300); // past the debounces, so the next change is timed on its own
  }
  const how =
    options.how === "append"
      ? `one Ingress appended to a file of ${options.firstFileIngresses}`
      : "one Ingress in a new file";
  log(
    `change (${how}, ${options.settings}): served after ${servedMs.map((ms) => ms.toFixed(0)).join(", ")} ms`,
  );
  return { how, settings: options.settings, workers: controller.workers, servedMs, buildMs, failures };
}

export async function runLargeTable(setup: BenchSetup, ingresses: number): Promise<LargeTable> {
  const { options, wrk, dir, upstreams, certificate, log } = setup;
  const smallDebounceFlag = setup.controller.features.smallDebounceFlag;
  const smallFolder = join(dir, "small-table");
  writeRoutesManifests(smallFolder, upstreams.endpoints, certificate);
  const largeFolder = join(dir, "large-table");
  const files = writeLargeTable(largeFolder, ingresses, upstreams.endpoints);
  const largeHost = largeTableHost(Math.floor(ingresses / 2));
  const settings: LoadSettings = {
    wrk,
    dir,
    threads: options.threads,
    connections: options.connections,
    timeoutSeconds: options.timeoutSeconds,
  };
  const notes: string[] = [];
  if (smallDebounceFlag === null) {
    notes.push(
      "The controller has no debounce flag: a change waits for the file source's debounce (20 ms after the " +
        "last file-system event, so that a file still being written is not read); the snapshot builder then " +
        "builds a lone change at once (it coalesces only bursts), so about 20 ms is the floor of the " +
        "served-after-change figure before any parsing or compiling.",
    );
  }
  const runs: TableRun[] = [];
  const changes: ChangeTiming[] = [];
  let started = 0;
  const start = async (table: "small" | "large", workers: number, extraFlags: readonly string[] = []) =>
    startBenchController({
      entry: setup.controller.entry,
      dir,
      name: `controller-${table}-${workers}-${++started}`,
      manifests: table === "small" ? smallFolder : largeFolder,
      workers,
      engine: null,
      ports: { plain: await freePort(), tls: await freePort(), health: await freePort() },
      firstRoute: { host: table === "small" ? LOAD_HOST : largeHost, path: "/" },
      extraFlags,
    });
  /** Times changes of both kinds (appended to a file, a new file) on a controller serving the large table. */
  const timeBothChanges = async (controller: RunningController, settings: string): Promise<void> => {
    for (const how of ["append", "file"] as const) {
      const change = {
        how,
        count: options.changes,
        manifests: largeFolder,
        firstFile: files[0]!,
        firstFileIngresses: Math.min(ingresses, INGRESSES_PER_FILE),
        settings,
      };
      changes.push(await timeChanges(controller, change, log));
    }
  };

  for (const [index, workers] of options.workers.entries()) {
    for (const table of ["small", "large"] as const) {
      const controller = await start(table, workers);
      try {
        const host = table === "small" ? LOAD_HOST : largeHost;
        const memoryReady = controllerMemory(controller);
        const build = await firstBuildMs(controller);
        const target = {
          port: controller.ports.plain,
          tls: false,
          host,
          path: "/",
          client: "keepalive" as const,
        };
        if (options.warmupSeconds > 0) await runWrk(settings, target, options.warmupSeconds);
        const load = await runWrk(settings, target, options.seconds);
        const memoryAfterLoad = controllerMemory(controller);
        const small = runs.find((r) => r.table === "small" && r.workers === workers);
        const run: TableRun = {
          table,
          ingresses: table === "small" ? 3 : ingresses,
          workers,
          host,
          readyMs: controller.readyMs,
          firstBuildMs: build,
          memoryReady,
          memoryAfterLoad,
          load,
          errors: errorSummary(load),
          vsSmallTable:
            table === "large" && small ? load.requestsPerSecond / small.load.requestsPerSecond : null,
        };
        runs.push(run);
        const rss = memoryAfterLoad.reduce((sum, m) => sum + m.rssMb, 0);
        log(
          `${table} table, ${workers} workers: ready in ${Math.round(controller.readyMs)} ms, ` +
            `${Math.round(load.requestsPerSecond)} req/s, RSS ${rss.toFixed(0)} MB in ${memoryAfterLoad.length} processes`,
        );
        if (table === "large" && index === 0) await timeBothChanges(controller, "default");
      } finally {
        await controller.stop();
      }
    }
  }
  if (smallDebounceFlag !== null) {
    const workers = options.workers[0] ?? 1;
    const controller = await start("large", workers, [smallDebounceFlag]);
    try {
      await timeBothChanges(controller, smallDebounceFlag);
    } finally {
      await controller.stop();
    }
  }
  return { ingresses: ingresses, ingressesPerFile: INGRESSES_PER_FILE, runs, changes, notes };
}
