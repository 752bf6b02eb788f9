// --workers N with node:cluster. Each worker is a whole controller (its own source, snapshot and listeners; the
// listening sockets are shared by the primary), so a worker needs nothing from another and a crash costs one
// worker. The primary only forks, restarts crashed workers with backoff, serves the health port (ready while at
// least one worker serves; /metrics aggregated over the workers) and forwards SIGTERM for a graceful shutdown.
// The price is N watches on the API server and N snapshot builds per change, both small.
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import type { Logger } from "pino";
import { AggregatorRegistry, type Registry } from "prom-client";
import { cpuQuotaCores } from "./cpu-quota";
import { HealthServer } from "./health-server";
import { createSharedTlsMaterial, sharedTlsEnvironment } from "./shared-tls";

export const WORKER_READY_MESSAGE = "ingress-kit:worker-ready";

/** "auto" or 0 means one worker per core the process may use: the cores it may run on, within its CPU quota. */
export function resolveWorkerCount(value: string | number, quotaCores = cpuQuotaCores()): number {
  if (value === "auto" || value === 0 || value === "0") {
    return Math.min(availableParallelism(), quotaCores ?? Number.POSITIVE_INFINITY);
  }
  const count = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 1024) {
    throw new RangeError(
      `--workers "${value}" is not a worker count: use a whole number, 0 or "auto" for one per core`,
    );
  }
  return count;
}

/** In a worker: tell the primary the first snapshot serves. */
export function notifyPrimaryReady(): void {
  process.send?.({ type: WORKER_READY_MESSAGE });
}

/** In a worker: expose this registry to the primary's aggregated /metrics. */
export function shareWorkerMetrics(registry: Registry): void {
  // prom-client installs the worker's IPC answer in the AggregatorRegistry constructor.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}

export interface PrimaryOptions {
  workers: number;
  logger: Logger;
  /** null: no health server. */
  healthPort: number | null;
  host: string;
  /** Workers get this long to drain on shutdown (plus 5 s) before SIGKILL, ms. */
  shutdownTimeoutMs: number;
}

/** Runs the primary until SIGTERM/SIGINT has stopped every worker. Resolves with the exit code. */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { logger } = options;
  const aggregator = new AggregatorRegistry();
  const ready = new Set<number>();
  let shuttingDown = false;
  let crashes = 0;

  // Workers share session ticket keys and the fallback certificate (shared-tls.ts); restarted ones too.
  const workerEnv = sharedTlsEnvironment(createSharedTlsMaterial());
  // Each worker accepts its own connections (no round robin through the primary): a worker that has just died
  // is then never handed a new connection, and no connection pays the extra hop through the primary.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const fork = (): Worker => {
    const worker = cluster.fork(workerEnv);
    worker.on("message", (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type === WORKER_READY_MESSAGE) {
        ready.add(worker.id);
        crashes = 0;
        logger.info({ worker: worker.id, pid: worker.process.pid }, "worker ready");
      }
    });
    return worker;
  };

  cluster.on("exit", (worker, code, signal) => {
    ready.delete(worker.id);
    if (shuttingDown) return;
    crashes++;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(crashes - 1, 6));
    logger.error({ worker: worker.id, code, signal, restartInMs: delay }, "worker exited; restarting");
    setTimeout(() => {
      if (!shuttingDown) fork();
    }, delay).unref();
  });

  let health: HealthServer | null = null;
  if (options.healthPort !== null) {
    health = new HealthServer({
      isReady: () => !shuttingDown && ready.size > 0,
      metrics: async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() }),
    });
    await health.listen(options.healthPort, options.host);
  }
  logger.info({ workers: options.workers, healthPort: options.healthPort }, "starting workers");
  for (let i = 0; i < options.workers; i++) fork();

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      if (shuttingDown) return;
      shuttingDown = true;
      logger.info({ signal }, "stopping workers");
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      for (const worker of workers) worker.process.kill("SIGTERM");
      const kill = setTimeout(() => {
        for (const worker of workers) if (!worker.isDead()) worker.process.kill("SIGKILL");
      }, options.shutdownTimeoutMs + 5_000);
      const check = (): void => {
        if (Object.values(cluster.workers ?? {}).every((w) => w === undefined || w.isDead())) {
          clearTimeout(kill);
          resolve();
        }
      };
      cluster.on("exit", check);
      check();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  await health?.close();
  logger.info("all workers stopped");
  return 0;
}

export const isPrimaryProcess = (): boolean => cluster.isPrimary;
