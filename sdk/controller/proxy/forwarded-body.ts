// The request body as undici reads it: a Readable that starts pulling from the client only when undici starts
// sending (after the upstream connection exists), so a failed connect leaves the body unread and the request can
// be retried on another endpoint. It counts bytes against max-body-size, fails after send-timeout without data,
// and its destruction never destroys the client's request. send-timeout is the longest pause in the body's flow:
// the client's (a send_timeout, 408) or, while the upstream does not take what was sent, the upstream's (a
// read_timeout, 504), as with NGINX's client_body_timeout and proxy_send_timeout.
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { UpstreamTimeoutError } from "./upstream";

export class BodyTooLargeError extends Error {
  constructor() {
    super("request body too large");
    this.name = "BodyTooLargeError";
  }
}

export class ForwardedBody extends Readable {
  /** Whether any of the client's body has been read (then the request cannot be replayed). */
  started = false;
  /** Whether all of it has been read. */
  complete = false;
  private received = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The upstream has not taken the last chunk yet (push returned false): a pause is its, not the client's. */
  private upstreamBlocked = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly maxBytes: number,
    private readonly sendTimeoutMs: number,
    /** Called when the body is first pulled (the upstream is ready): sends `100 Continue` when one is due. */
    private readonly onFirstRead: (() => void) | null = null,
  ) {
    super();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.timer?.refresh();
    this.received += chunk.length;
    if (this.maxBytes > 0 && this.received > this.maxBytes) {
      this.destroy(new BodyTooLargeError());
      return;
    }
    if (!this.push(chunk)) {
      this.upstreamBlocked = true;
      this.req.pause();
    }
  };

  private readonly onEnd = (): void => {
    this.complete = true;
    this.clearTimer();
    this.push(null);
  };

  private readonly onAborted = (): void => {
    this.destroy(new Error("client aborted the request body"));
  };

  override _read(): void {
    if (!this.started) {
      this.started = true;
      this.onFirstRead?.();
      this.req.on("data", this.onData);
      this.req.once("end", this.onEnd);
      this.req.once("aborted", this.onAborted);
      this.timer = setTimeout(
        () => this.destroy(new UpstreamTimeoutError(this.upstreamBlocked ? "read_timeout" : "send_timeout")),
        this.sendTimeoutMs,
      );
    } else {
      this.timer?.refresh(); // the upstream took what was pushed: the flow moved
    }
    this.upstreamBlocked = false;
    this.req.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.clearTimer();
    this.req.removeListener("data", this.onData);
    this.req.removeListener("end", this.onEnd);
    this.req.removeListener("aborted", this.onAborted);
    callback(error);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
