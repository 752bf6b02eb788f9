// Raw JSON list and watch requests to the Kubernetes API, authenticated by a client-node KubeConfig.
//
// Why not client-node's `Watch` and `ListWatch`: `Watch` drops a line that is not JSON without a word (we must
// log it), sets no read timeout (its 30 s timeout signal is overwritten before use, so a silently dead TCP
// connection would hang the watch forever), and `ListWatch` lists through the generated API classes, which turn
// objects into model instances (timestamps become Date) where the controller wants the plain JSON that
// `kubectl get -o json` prints. So the KubeConfig does what it is best at (in-cluster and kubeconfig loading,
// certificates, tokens, exec plugins, proxies) through `applyToHTTPSOptions`, and this file does the HTTP.
import * as http from "node:http";
import * as https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

/** A non-2xx answer of the API server, with its Status `code`, `reason` and `message` where it sent one. */
export class KubeApiError extends Error {
  readonly code = "ERR_KUBE_API";
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

export interface KubeHttpOptions {
  /** Inactivity limit of a list response or a watch stream, in ms: a silent connection is dropped. */
  readonly idleTimeoutMs: number;
}

export type Query = Readonly<Record<string, string | undefined>>;

export class KubeHttp {
  constructor(
    private readonly config: KubeConfig,
    private readonly options: KubeHttpOptions,
  ) {}

  /** GETs `path` and parses the JSON body; rejects with KubeApiError on a non-2xx status. */
  async getJson(path: string, query: Query, signal: AbortSignal): Promise<unknown> {
    const res = await this.open(path, query, signal);
    const body = await readBody(res);
    if (res.statusCode !== 200) throw apiError(res.statusCode ?? 0, body);
    return JSON.parse(body) as unknown;
  }

  /**
   * Opens a watch and calls `onLine` with every newline-delimited line. Resolves when the server ends the
   * stream; rejects on a non-200 status (KubeApiError), a dropped connection, inactivity or abort.
   */
  async watch(
    path: string,
    query: Query,
    onLine: (line: string) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const res = await this.open(path, { ...query, watch: "true" }, signal);
    if (res.statusCode !== 200) throw apiError(res.statusCode ?? 0, await readBody(res));
    await new Promise<void>((resolve, reject) => {
      let pending = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        pending += chunk;
        let newline = pending.indexOf("\n");
        while (newline >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          if (line.trim() !== "") onLine(line);
          newline = pending.indexOf("\n");
        }
      });
      res.on("end", () => {
        if (pending.trim() !== "") onLine(pending);
        resolve();
      });
      // A connection that ends without the stream's end: say why when we know (inactivity, abort).
      const failed = () => reject(reasonOf(res) ?? new Error("the API server closed the watch connection"));
      res.on("error", failed);
      res.on("close", () => {
        if (!res.complete) failed();
      });
    });
  }

  private async open(path: string, query: Query, signal: AbortSignal): Promise<http.IncomingMessage> {
    const cluster = this.config.getCurrentCluster();
    if (!cluster) throw new Error("the kubeconfig has no current cluster: set a current-context");
    const url = new URL(cluster.server.replace(/\/+$/, "") + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const options: https.RequestOptions = { headers: { Accept: "application/json" } };
    await this.config.applyToHTTPSOptions(options);
    signal.throwIfAborted();
    const transport = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { ...options, method: "GET", signal }, (res) => {
        requestOf.set(res, req);
        resolve(res);
      });
      req.setTimeout(this.options.idleTimeoutMs, () => {
        req.destroy(new Error(`no data from the API server for ${this.options.idleTimeoutMs} ms`));
      });
      req.on("error", (error) => {
        failures.set(req, error);
        reject(error);
      });
      req.end();
    });
  }
}

/** Why a request was destroyed (its idle timeout, an abort), kept for the response's late "close". */
const failures = new WeakMap<http.ClientRequest, Error>();
const requestOf = new WeakMap<http.IncomingMessage, http.ClientRequest>();

function reasonOf(res: http.IncomingMessage): Error | undefined {
  const req = requestOf.get(res);
  return req ? failures.get(req) : undefined;
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", (error) => reject(reasonOf(res) ?? error));
    res.on("close", () => {
      if (!res.complete) {
        reject(reasonOf(res) ?? new Error("the connection closed before the response ended"));
      }
    });
  });
}

function apiError(statusCode: number, body: string): KubeApiError {
  let reason = http.STATUS_CODES[statusCode] ?? "Unknown";
  let message = `the API server answered ${statusCode} ${reason}`;
  try {
    const status = JSON.parse(body) as { reason?: unknown; message?: unknown };
    if (typeof status.reason === "string") reason = status.reason;
    if (typeof status.message === "string") message = `${message}: ${status.message}`;
  } catch {
    // Not a Status object: the status line says enough.
  }
  return new KubeApiError(statusCode, reason, message);
}
