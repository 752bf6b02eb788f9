// One controller process: source -> snapshot builder -> proxy listeners, plus the health server and graceful
// shutdown. With --workers N each worker runs one of these (without the health server; see workers.ts).
import type { AddressInfo, Server } from "node:net";
import type { Logger } from "pino";
import type { CompileOptions, RouteTable } from "../matcher";
import { publishAfterSwap, type PublishOptions } from "./address-publisher";
import { HealthServer } from "./health-server";
import { createControllerMetrics, type ControllerMetrics } from "./metrics";
import { DEFAULT_MAX_CONNECTIONS, validateMaxConnections } from "./proxy/connection-limit";
import { createFallbackCertificate } from "./proxy/fallback-certificate";
import type { SharedTlsMaterial } from "./shared-tls";
import { FastListener, type ProxyServer } from "./proxy/fast-listener";
import { createHttpListener, type ListenerLimits } from "./proxy/http-listener";
import { ProxyHandler } from "./proxy/proxy-handler";
import { createTlsListener } from "./proxy/tls-listener";
import { TrustedProxies } from "./proxy/trusted-proxies";
import type { Snapshot } from "./snapshot";
import { SnapshotBuilder } from "./snapshot-builder";
import type { ObjectSource } from "./sources/source";

export interface ControllerOptions {
  source: ObjectSource;
  ingressClass: string;
  logger: Logger;
  /** Address the listeners bind. Default "0.0.0.0". */
  host?: string;
  /** 0 picks a free port (tests); null disables the listener. */
  httpPort: number | null;
  httpsPort: number | null;
  /** null: no health server (a cluster worker; the primary serves health). */
  healthPort: number | null;
  /** HTTPS port put in redirects when the client addressed us with an explicit port; default the HTTPS listener's. */
  redirectHttpsPort?: number;
  trustedProxies?: readonly string[];
  /** What to write into `status.loadBalancer` of served Ingresses (kube source only). Default: nothing. */
  publish?: PublishOptions;
  accessLog?: boolean;
  /** In-flight requests get this long to finish on shutdown, ms. Default 30 000. */
  shutdownTimeoutMs?: number;
  limits?: ListenerLimits;
  /**
   * Open client connections per listener (plain and TLS each) in this process; connections beyond it are closed
   * at accept. Default 16 384 (DEFAULT_MAX_CONNECTIONS), or `limits.maxConnections` when that is set.
   */
  maxConnections?: number;
  /**
   * "fast" (default): the controller's own HTTP/1.1 layer on bare sockets with keep-alive upstream connections.
   * "node": node:http with undici pools, the earlier engine, kept as a fallback and a baseline.
   */
  httpEngine?: HttpEngine;
  debounceMs?: number;
  maxDelayMs?: number;
  metrics?: ControllerMetrics;
  compile?: (ingresses: readonly unknown[], options: CompileOptions) => RouteTable;
  /** TLS material every cluster worker shares (from the primary); default: made by this process. */
  sharedTls?: SharedTlsMaterial;
  /** Called once when the first snapshot serves (cluster workers tell the primary). */
  onReady?: () => void;
}

export type HttpEngine = "fast" | "node";

export const HTTP_ENGINES: readonly HttpEngine[] = ["fast", "node"];

export interface RunningController {
  readonly builder: SnapshotBuilder;
  readonly proxy: ProxyHandler;
  readonly metrics: ControllerMetrics;
  /** Bound ports (null when disabled). */
  readonly httpPort: number | null;
  readonly httpsPort: number | null;
  readonly healthPort: number | null;
  ready(): boolean;
  /** Graceful: readyz 503, stop accepting, let in-flight requests finish within the timeout, then close. */
  shutdown(): Promise<void>;
}

/** The node:http engine's server as the controller drives it. */
function nodeServer(server: import("node:http").Server): ProxyServer {
  return {
    server,
    closeIdleConnections: () => server.closeIdleConnections(),
    closeAllConnections: () => server.closeAllConnections(),
  };
}

function listen(server: Server, port: number, host: string, logger: Logger): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.removeListener("error", reject);
      // Accept errors after listening (EMFILE, ENFILE) are logged; the server keeps accepting when it can.
      server.on("error", (error: NodeJS.ErrnoException) =>
        logger.error({ err: error, code: error.code, port }, "listener error"),
      );
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startController(options: ControllerOptions): Promise<RunningController> {
  const { logger } = options;
  // Checked before anything starts: a wrong limit is a wrong command line, not a half-started controller.
  if (options.maxConnections !== undefined) {
    validateMaxConnections(options.maxConnections, "ControllerOptions.maxConnections");
  }
  if (options.limits?.maxConnections !== undefined) {
    validateMaxConnections(options.limits.maxConnections, "ControllerOptions.limits.maxConnections");
  }
  const host = options.host ?? "0.0.0.0";
  const metrics = options.metrics ?? createControllerMetrics();
  const builder = new SnapshotBuilder({
    source: options.source,
    ingressClass: options.ingressClass,
    logger,
    metrics,
    debounceMs: options.debounceMs,
    maxDelayMs: options.maxDelayMs,
    compile: options.compile,
  });
  const proxy = new ProxyHandler({
    snapshots: builder,
    logger,
    metrics,
    trustedProxies: new TrustedProxies(options.trustedProxies ?? []),
    accessLog: options.accessLog ?? false,
  });
  builder.onSwap((snapshot: Snapshot) => proxy.retainEndpoints(snapshot));
  const publish = publishAfterSwap(options.source, options.publish ?? {}, logger);
  if (publish) builder.onSwap(publish);
  let shuttingDown = false;
  let health: HealthServer | null = null;
  let healthPort: number | null = null;
  const ready = (): boolean => !shuttingDown && builder.current() !== null;
  if (options.healthPort !== null) {
    health = new HealthServer({
      isReady: ready,
      metrics: async () => ({
        contentType: metrics.registry.contentType,
        body: await metrics.registry.metrics(),
      }),
    });
    healthPort = await health.listen(options.healthPort, host);
  }

  const limits: ListenerLimits = {
    ...options.limits,
    maxConnections: options.maxConnections ?? options.limits?.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
  };
  const engine = options.httpEngine ?? "fast";
  const servers: ProxyServer[] = [];
  let httpPort: number | null = null;
  let httpsPort: number | null = null;
  try {
    await builder.start();
    if (!builder.current()) throw new Error("the first snapshot could not be built; see the log");
    if (options.httpsPort !== null) {
      const tlsOptions = {
        snapshots: builder,
        fallback: createFallbackCertificate(options.sharedTls?.fallback),
        ticketKeys: options.sharedTls?.ticketKeys,
      };
      const tls: ProxyServer =
        engine === "fast"
          ? new FastListener({ handler: proxy, limits, logger, tls: tlsOptions })
          : nodeServer(createTlsListener({ handler: proxy, limits, logger, ...tlsOptions }));
      servers.push(tls);
      httpsPort = await listen(tls.server, options.httpsPort, host, logger);
    }
    if (options.httpPort !== null) {
      const plain: ProxyServer =
        engine === "fast"
          ? new FastListener({ handler: proxy, limits, logger })
          : nodeServer(createHttpListener(proxy, limits, logger));
      servers.push(plain);
      httpPort = await listen(plain.server, options.httpPort, host, logger);
    }
  } catch (error) {
    for (const { server } of servers) server.close();
    await builder.stop().catch(() => undefined);
    await health?.close();
    throw error;
  }
  // Redirects name the HTTPS port only when the client used an explicit port (local mode); then it is ours.
  proxy.setRedirectHttpsPort(options.redirectHttpsPort ?? httpsPort ?? 443);
  logger.info(
    {
      httpPort,
      httpsPort,
      healthPort,
      ingressClass: options.ingressClass,
      source: options.source.name,
      httpEngine: engine,
      maxConnections: limits.maxConnections,
    },
    "controller serving",
  );
  options.onReady?.();

  let shutdownPromise: Promise<void> | null = null;
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= (async () => {
      shuttingDown = true;
      proxy.startClosing();
      const timeoutMs = options.shutdownTimeoutMs ?? 30_000;
      logger.info({ timeoutMs }, "shutting down: no new connections, finishing requests in flight");
      const closed = Promise.all(
        servers.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
      for (const server of servers) server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      // Keep-alive connections close after their current response (Connection: close); idle ones now.
      const idleSweep = setInterval(() => servers.forEach((server) => server.closeIdleConnections()), 100);
      const result = await Promise.race([closed.then(() => "closed" as const), deadline]);
      clearTimeout(timer);
      clearInterval(idleSweep);
      if (result === "timeout") {
        logger.warn({ timeoutMs }, "shutdown timeout: closing the remaining connections");
        for (const server of servers) server.closeAllConnections();
      }
      proxy.close();
      await closed;
      await builder
        .stop()
        .catch((error: unknown) => logger.error({ err: error }, "stopping the source failed"));
      await health?.close();
      logger.info("controller stopped");
    })();
    return shutdownPromise;
  };

  return { builder, proxy, metrics, httpPort, httpsPort, healthPort, ready, shutdown };
}
