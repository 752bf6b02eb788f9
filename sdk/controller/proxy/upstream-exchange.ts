// One attempt to forward a request to one endpoint, as an undici dispatch handler: the response head and body are
// written straight to the client's ServerResponse (no intermediate Readable, pipe or promise), with backpressure
// through the dispatch controller's pause/resume. Failures before the response starts go back to the proxy, which
// may retry on another endpoint; failures after it destroy the client response.
import type { ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import type { UpstreamEndpoint } from "../backend-resolver";
import type { ForwardedBody } from "./forwarded-body";

export interface ExchangeCallbacks {
  /** The response head arrived; returns the raw header list to send (hop-by-hop removed, cookies added). */
  responseHeaders(
    endpoint: UpstreamEndpoint,
    headers: Record<string, string | string[] | undefined>,
  ): string[];
  /** The attempt is over (response complete, failed, or abandoned); called exactly once. */
  settled(endpoint: UpstreamEndpoint): void;
  /** The attempt failed before any response byte went to the client. */
  failedBeforeResponse(endpoint: UpstreamEndpoint, error: Error, body: ForwardedBody | null): void;
  /** The upstream failed after the response started (the client response is destroyed). */
  failedDuringResponse(error: Error): void;
}

export class UpstreamExchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private done = false;
  private started = false;
  private clientGone = false;
  private waitingForDrain = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly endpoint: UpstreamEndpoint,
    private readonly body: ForwardedBody | null,
    private readonly callbacks: ExchangeCallbacks,
  ) {
    res.once("close", this.onClientClose);
  }

  private readonly onClientClose = (): void => {
    if (this.res.writableFinished || this.done) return;
    this.clientGone = true;
    this.controller?.abort(new Error("client closed the connection"));
  };

  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    this.controller?.resume();
  };

  private finish(): boolean {
    if (this.done) return false;
    this.done = true;
    this.res.removeListener("close", this.onClientClose);
    this.callbacks.settled(this.endpoint);
    return true;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(new Error("client closed the connection"));
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // 1xx informational: node:http answers 100-continue itself
    if (this.done || this.res.destroyed) {
      controller.abort(new Error("client closed the connection"));
      return;
    }
    this.started = true;
    this.res.writeHead(statusCode, this.callbacks.responseHeaders(this.endpoint, headers));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return;
    // undici may deliver a few more chunks after pause(): wait for one drain, not one per chunk.
    if (!this.res.write(chunk) && !this.waitingForDrain) {
      this.waitingForDrain = true;
      controller.pause();
      this.res.once("drain", this.onDrain);
    }
  }

  onResponseEnd(): void {
    if (!this.finish()) return;
    this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.finish() || this.clientGone) return;
    if (this.started) {
      this.callbacks.failedDuringResponse(error);
      this.res.destroy();
      return;
    }
    this.callbacks.failedBeforeResponse(this.endpoint, error, this.body);
  }
}
