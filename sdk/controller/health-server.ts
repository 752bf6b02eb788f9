// The --health-port server: /healthz (the process is alive), /readyz (200 once the first snapshot serves, 503
// before and while shutting down), /metrics (Prometheus text). Separate from the proxy listeners so probes and
// scrapes never depend on routing.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface HealthServerOptions {
  /** Whether traffic should be sent here now. */
  isReady(): boolean;
  /** Prometheus exposition text and its content type. */
  metrics(): Promise<{ contentType: string; body: string }>;
}

export class HealthServer {
  private readonly server: http.Server;

  constructor(private readonly options: HealthServerOptions) {
    this.server = http.createServer({ requestTimeout: 10_000, headersTimeout: 5_000 }, (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      const send = (status: number, body: string, type = "text/plain; charset=utf-8"): void => {
        res.writeHead(status, {
          "content-type": type,
          "content-length": Buffer.byteLength(body),
          "cache-control": "no-store",
        });
        res.end(req.method === "HEAD" ? undefined : body);
      };
      if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
      switch (path) {
        case "/healthz":
          return send(200, "ok\n");
        case "/readyz":
          return this.options.isReady() ? send(200, "ready\n") : send(503, "not ready\n");
        case "/metrics":
          this.options.metrics().then(
            ({ contentType, body }) => send(200, body, contentType),
            () => send(500, "metrics unavailable\n"),
          );
          return;
        default:
          return send(404, "not found: try /healthz, /readyz or /metrics\n");
      }
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.removeListener("error", reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
