// `ingress-kit controller`: run the bundled ingress controller against the cluster (in-cluster config or
// kubeconfig) or a folder of manifests, until SIGTERM or SIGINT.
import { parseArgs } from "node:util";
import type { Logger } from "pino";
import { HTTP_ENGINES, startController, type HttpEngine } from "../controller/controller";
import { createLogger } from "../controller/logger";
import { DEFAULT_MAX_CONNECTIONS, validateMaxConnections } from "../controller/proxy/connection-limit";
import { createControllerMetrics } from "../controller/metrics";
import {
  isPrimaryProcess,
  notifyPrimaryReady,
  resolveWorkerCount,
  runPrimary,
  shareWorkerMetrics,
} from "../controller/workers";
import { takeSharedTlsMaterial } from "../controller/shared-tls";
import { createObjectSource } from "../controller/sources/create-source";
import { UsageError } from "./exit-codes";

export const CONTROLLER_USAGE = `Usage: ingress-kit controller [flags]

Runs the bundled ingress controller: serves the Ingresses of one IngressClass (whose spec.controller is
ingress-kit.dev/controller) from the Kubernetes API, or from YAML/JSON manifests with --manifests.

Flags:
  --ingress-class NAME      the IngressClass served (default "ingress-kit")
  --manifests PATH          read objects from a file or folder of manifests (re-read on change) instead of the API
  --namespace NAME          watch one namespace only (default: all)
  --kubeconfig PATH         kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster)
  --http-port PORT          plain HTTP listener (default 8080)
  --https-port PORT         HTTPS listener (default 8443)
  --health-port PORT        /healthz, /readyz and /metrics (default 10254)
  --workers N|auto          worker processes; 0 or auto = one per core (default 1)
  --http-engine fast|node   fast: the controller's own HTTP/1.1 layer (default); node: node:http with undici
  --max-connections N       open client connections per listener and worker; more are closed at accept
                            (default ${DEFAULT_MAX_CONNECTIONS})
  --trusted-proxies CIDRS   comma-separated CIDRs whose X-Forwarded-* headers are kept (default: none)
  --access-log              log one JSON line per request (default off)
  --shutdown-timeout SECS   time for requests in flight to finish on SIGTERM (default 30)
  --listen ADDRESS          address the listeners bind (default 0.0.0.0)
  --publish-service NS/NAME write this Service's load balancer address into the served Ingresses' status
  --publish-address ADDR    write this IP or hostname into the served Ingresses' status instead`;

export interface ControllerFlags {
  ingressClass: string;
  manifests?: string;
  namespace?: string;
  kubeconfig?: string;
  httpPort: number;
  httpsPort: number;
  healthPort: number;
  workers: number;
  httpEngine: HttpEngine;
  /** Absent when the flag is not given: the controller's default applies. */
  maxConnections?: number;
  trustedProxies: string[];
  accessLog: boolean;
  shutdownTimeoutMs: number;
  listen: string;
  publishService?: string;
  publishAddress?: string;
}

function port(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65535) {
    throw new UsageError(
      `--${flag} "${value}" is not a port: use a number from 0 to 65535`,
      CONTROLLER_USAGE,
    );
  }
  return n;
}

function maxConnectionsFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // Digits only: Number() would also take "1e4", "0x10" and " 8 ".
  const count = /^\d{1,7}$/.test(value) ? Number(value) : NaN;
  try {
    validateMaxConnections(count, "--max-connections", value);
  } catch (error) {
    throw new UsageError((error as Error).message, CONTROLLER_USAGE);
  }
  return count;
}

/** Parses and validates the flags; throws UsageError. */
export function parseControllerFlags(argv: string[]): ControllerFlags {
  // The image's entry point is `ingress-kit controller`; tolerate container args that repeat the subcommand.
  if (argv[0] === "controller") argv = argv.slice(1);
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        "ingress-class": { type: "string" },
        manifests: { type: "string" },
        namespace: { type: "string" },
        kubeconfig: { type: "string" },
        "http-port": { type: "string" },
        "https-port": { type: "string" },
        "health-port": { type: "string" },
        workers: { type: "string" },
        "http-engine": { type: "string" },
        "max-connections": { type: "string" },
        "trusted-proxies": { type: "string" },
        "access-log": { type: "boolean" },
        "shutdown-timeout": { type: "string" },
        listen: { type: "string" },
        "publish-service": { type: "string" },
        "publish-address": { type: "string" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message, CONTROLLER_USAGE);
  }
  const ingressClass = values["ingress-class"] ?? "ingress-kit";
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(ingressClass)) {
    throw new UsageError(`--ingress-class "${ingressClass}" is not an IngressClass name`, CONTROLLER_USAGE);
  }
  let workers: number;
  try {
    workers = resolveWorkerCount(values.workers ?? "1");
  } catch (error) {
    throw new UsageError((error as Error).message, CONTROLLER_USAGE);
  }
  const httpEngine = (values["http-engine"] ?? "fast") as HttpEngine;
  if (!HTTP_ENGINES.includes(httpEngine)) {
    throw new UsageError(
      `--http-engine "${httpEngine}" is not an engine: use ${HTTP_ENGINES.join(" or ")}`,
      CONTROLLER_USAGE,
    );
  }
  const maxConnections = maxConnectionsFlag(values["max-connections"]);
  const shutdown = values["shutdown-timeout"] ?? "30";
  if (!/^\d{1,5}(\.\d{1,3})?$/.test(shutdown)) {
    throw new UsageError(`--shutdown-timeout "${shutdown}" is not a number of seconds`, CONTROLLER_USAGE);
  }
  const trustedProxies = (values["trusted-proxies"] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const publishService = values["publish-service"];
  if (publishService !== undefined && !/^[a-z0-9-]{1,63}\/[a-z0-9-]{1,63}$/.test(publishService)) {
    throw new UsageError(`--publish-service "${publishService}" is not namespace/name`, CONTROLLER_USAGE);
  }
  return {
    ingressClass,
    manifests: values.manifests,
    namespace: values.namespace,
    kubeconfig: values.kubeconfig,
    httpPort: port("http-port", values["http-port"], 8080),
    httpsPort: port("https-port", values["https-port"], 8443),
    healthPort: port("health-port", values["health-port"], 10254),
    workers,
    httpEngine,
    ...(maxConnections !== undefined ? { maxConnections } : {}),
    trustedProxies,
    accessLog: values["access-log"] ?? false,
    shutdownTimeoutMs: Math.round(Number(shutdown) * 1000),
    listen: values.listen ?? "0.0.0.0",
    publishService,
    publishAddress: values["publish-address"],
  };
}

export async function runControllerCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(CONTROLLER_USAGE + "\n");
    return 0;
  }
  const flags = parseControllerFlags(argv);
  const logger = createLogger();
  // A bug must not leave a half-working proxy: log it as one JSON line and exit (Kubernetes or the primary
  // restarts the process).
  process.once("uncaughtException", (error) => {
    logger.fatal({ err: error }, "uncaught exception; exiting");
    process.exit(1);
  });
  if (flags.workers > 1 && isPrimaryProcess()) {
    return runPrimary({
      workers: flags.workers,
      logger,
      healthPort: flags.healthPort,
      host: flags.listen,
      shutdownTimeoutMs: flags.shutdownTimeoutMs,
    });
  }
  const worker = !isPrimaryProcess();
  try {
    return await serve(flags, logger, worker);
  } finally {
    // A cluster worker's IPC channel (the primary's messages, the metrics aggregation) would keep it alive once
    // the controller stopped or failed to start: the primary would wait for its SIGKILL after the shutdown
    // timeout, or never see a failed worker exit and restart it. Let go of it.
    if (worker) process.disconnect?.();
  }
}

/** Runs one serving process (a single process or a cluster worker) until a stop signal; the exit code. */
async function serve(flags: ControllerFlags, logger: Logger, worker: boolean): Promise<number> {
  // A stop signal while the controller is still starting (a worker forked just before a shutdown, a source still
  // syncing) ends the process at once: nothing serves yet, and waiting could mean waiting for an API server that
  // does not answer. Once it serves, the signal drains it instead.
  let stop: ((signal: NodeJS.Signals) => void) | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop !== null) {
      stop(signal);
      return;
    }
    logger.info({ signal }, "signal received while starting; exiting");
    process.exit(0);
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  const metrics = createControllerMetrics();
  if (worker) shareWorkerMetrics(metrics.registry);
  let controller;
  try {
    const source = await createObjectSource({
      manifests: flags.manifests,
      kubeconfig: flags.kubeconfig,
      namespace: flags.namespace,
      logger,
    });
    controller = await startController({
      source,
      logger,
      metrics,
      ingressClass: flags.ingressClass,
      host: flags.listen,
      httpPort: flags.httpPort,
      httpsPort: flags.httpsPort,
      healthPort: worker ? null : flags.healthPort,
      trustedProxies: flags.trustedProxies,
      publish: { service: flags.publishService, address: flags.publishAddress },
      accessLog: flags.accessLog,
      httpEngine: flags.httpEngine,
      maxConnections: flags.maxConnections,
      shutdownTimeoutMs: flags.shutdownTimeoutMs,
      onReady: worker ? notifyPrimaryReady : undefined,
      sharedTls: worker ? takeSharedTlsMaterial() : undefined,
    });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message, CONTROLLER_USAGE);
    const code = (error as { code?: unknown }).code;
    logger.fatal({ err: error, code }, "controller failed to start");
    return 1;
  }
  const running = controller;
  await new Promise<void>((resolve) => {
    stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, "signal received");
      running.shutdown().then(resolve, (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        resolve();
      });
    };
  });
  return 0;
}
