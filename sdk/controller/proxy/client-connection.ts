// One client connection on the fast HTTP/1.1 path: reads request heads with the strict parser, runs one
// FastExchange at a time (pipelined requests wait in the buffer, bounded), feeds the request body when the
// exchange asks for it, and keeps the connection for the next request or closes it. A request that asks to
// switch protocols (WebSocket) hands the whole connection to node:http, which tunnels it (websocket.ts).
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { HttpParseError } from "../http1/http-parse-error";
import { RequestHeadProgress, parseRequestHead, type RequestHeadLimits } from "../http1/request-head";
import { rejectionReason } from "./error-responses";
import { FastExchange, type ClientSide } from "./fast-exchange";
import { writeRawError } from "./raw-response";
import type { ProxyHandler } from "./proxy-handler";

/** What every connection of one listener shares. */
export interface ConnectionContext {
  readonly proxy: ProxyHandler;
  readonly logger: Logger;
  readonly headLimits: RequestHeadLimits;
  /** Hands a connection (its unread bytes put back) to node:http, for protocol upgrades. */
  handOver(socket: Socket, secure: boolean): void;
  /** The connection closed (the listener forgets it). */
  closed(connection: ClientConnection): void;
}

const EMPTY = Buffer.alloc(0);
/** Body pieces up to this size join the queued text (a copy is cheaper than a writev with one more buffer). */
const INLINE_BYTES = 4096;
/** Bytes buffered beyond the current request (pipelining) before the connection stops reading. */
const MAX_BUFFERED = 64 * 1024;

type State = "head" | "exchange" | "closing";

export class ClientConnection implements ClientSide {
  private pending: Buffer = EMPTY;
  /** Where the parser got to in an incomplete head: a head sent a byte at a time is scanned once, not n times. */
  private readonly headProgress = new RequestHeadProgress();
  private state: State = "head";
  private exchange: FastExchange | null = null;
  private processing = false;
  private paused = false;
  private clientEnded = false;
  /** Response bytes waiting for flush(), as latin1 text: one write call (one syscall) per upstream read. */
  private queuedText = "";
  /** Large buffers were written directly since the last flush. */
  private queuedBuffers = false;
  /** When the current head's first byte came (ms); fresh connections count from accept. */
  headStartedAt = Date.now();
  /** When the connection last became idle between requests (ms). */
  idleSince = this.headStartedAt;
  /** When the connection started closing (ms), to bound how long a peer may keep it half-open. */
  closingSince = 0;
  /** Requests answered on this connection. */
  served = 0;
  /** Reading stopped until the client takes the responses already written (write backpressure). */
  private waitingForDrain = false;
  /** When the current request's head was read (ms), for the request timeout. */
  requestStartedAt = 0;
  readonly remoteAddress: string | undefined;
  readonly localPort: number;
  readonly trustedPeer: boolean;

  constructor(
    readonly socket: Socket,
    readonly secure: boolean,
    private readonly context: ConnectionContext,
  ) {
    this.remoteAddress = socket.remoteAddress;
    this.localPort = socket.localPort ?? 0;
    this.trustedPeer = context.proxy.trusted.trusts(this.remoteAddress);
    socket.on("data", this.onData);
    socket.on("drain", this.onDrain);
    socket.on("end", this.onEnd);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
  }

  /** Between requests with nothing buffered: safe to close (graceful shutdown, keep-alive timeout). */
  get idle(): boolean {
    return this.state === "head" && this.pending.length === 0;
  }

  /** Reading a request head (possibly nothing yet). */
  get readingHead(): boolean {
    return this.state === "head";
  }

  /** Reading a request body for an exchange. */
  get readingBody(): boolean {
    return this.exchange?.wantsBody ?? false;
  }

  private readonly onData = (chunk: Buffer): void => {
    // A closing connection reads nothing more (nothing would answer it; buffering it would let a peer that
    // keeps sending hold memory).
    if (this.state === "closing") return;
    if (this.pending.length === 0) {
      if (this.state === "head") this.headStartedAt = Date.now();
      this.pending = chunk;
    } else {
      this.pending = Buffer.concat([this.pending, chunk]);
    }
    this.process();
  };

  private readonly onDrain = (): void => {
    this.exchange?.onClientDrain();
    if (this.waitingForDrain) {
      this.waitingForDrain = false;
      this.resumeReading();
      this.process();
    }
  };

  private readonly onEnd = (): void => {
    // The client will send nothing more; answer what is in flight, then close.
    this.clientEnded = true;
    if (this.state === "head" && !this.processing) this.closeGracefully();
  };

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.state = "closing";
    const exchange = this.exchange;
    this.exchange = null;
    exchange?.clientClosed();
    this.context.closed(this);
  };

  /** Parses heads and feeds bodies until the buffer is used up or the current exchange must wait. */
  private process(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      for (;;) {
        if (this.state === "exchange") {
          const exchange = this.exchange!;
          if (!exchange.wantsBody || this.pending.length === 0) break;
          const used = exchange.readBody(this.pending, 0, this.pending.length);
          this.pending = used >= this.pending.length ? EMPTY : this.pending.subarray(used);
          continue;
        }
        if (this.state !== "head" || this.pending.length === 0) break;
        if (this.socket.writableNeedDrain) {
          // The client is not reading its responses: read no further requests until it does (pipelining
          // must not let a client make us buffer responses without limit).
          this.waitingForDrain = true;
          this.pauseReading();
          break;
        }
        if (!this.readHead()) break;
      }
      if (this.state === "exchange" && this.pending.length > MAX_BUFFERED) this.pauseReading();
      if (this.state === "head" && this.clientEnded && this.pending.length === 0) this.closeGracefully();
    } finally {
      this.processing = false;
    }
  }

  /** Reads one request head from the buffer and starts its exchange; false when there is none to start. */
  private readHead(): boolean {
    const pending = this.pending;
    let head;
    try {
      head = parseRequestHead(pending, 0, pending.length, this.context.headLimits, this.headProgress);
    } catch (error) {
      this.reject(error);
      return false;
    }
    if (head === null) {
      if (this.clientEnded) this.socket.destroy();
      return false;
    }
    if (head.upgrade !== undefined) {
      // The whole connection, this request included, goes to node:http (WebSocket tunnels, or a plain answer
      // to any other upgrade).
      this.state = "closing";
      this.detach();
      this.socket.unshift(pending);
      this.pending = EMPTY;
      this.context.handOver(this.socket, this.secure);
      return false;
    }
    this.pending = head.headLength >= pending.length ? EMPTY : pending.subarray(head.headLength);
    this.state = "exchange";
    this.requestStartedAt = Date.now();
    const exchange = new FastExchange(this.context.proxy, this, head);
    this.exchange = exchange;
    // It may finish at once (an answer of our own) or want its body now: the caller's loop handles both.
    exchange.start();
    return true;
  }

  private reject(error: unknown): void {
    this.startClosing();
    this.pending = EMPTY;
    if (error instanceof HttpParseError) {
      this.context.logger.debug(
        { code: error.code, status: error.status, reason: error.message },
        "rejected malformed request",
      );
      writeRawError(this.socket, error.status, rejectionReason(error.status));
      this.socket.once("finish", () => this.socket.destroy());
    } else {
      this.context.logger.error({ err: error }, "request head handling failed");
      this.socket.destroy();
    }
  }

  /** Stops listening to the socket (before a handover). */
  private detach(): void {
    this.socket.pause();
    this.paused = false;
    this.socket.removeListener("data", this.onData);
    this.socket.removeListener("drain", this.onDrain);
    this.socket.removeListener("end", this.onEnd);
    this.socket.removeListener("error", this.onError);
    this.socket.removeListener("close", this.onClose);
    this.context.closed(this);
  }

  /** Answers 408 to a request that did not arrive in time, and closes. */
  timedOut(): void {
    if (this.state === "closing") return;
    const exchange = this.exchange;
    const responseStarted = exchange?.responseStarted ?? false;
    this.startClosing();
    this.exchange = null;
    exchange?.clientClosed();
    if ((this.pending.length === 0 && exchange === null) || responseStarted) {
      // Silent (nothing to answer), or a response is already on its way (a 408 would land inside it).
      this.socket.destroy();
      return;
    }
    writeRawError(this.socket, 408, rejectionReason(408));
    this.socket.once("finish", () => this.socket.destroy());
  }

  private startClosing(): void {
    this.state = "closing";
    this.closingSince = Date.now();
  }

  /** Ends our side once the responses are written, then closes: a half-open peer holds nothing. */
  private closeGracefully(): void {
    if (this.state !== "closing") this.startClosing();
    this.socket.end();
    this.socket.once("finish", () => this.socket.destroy());
  }

  /** Whether the connection is closing (for the listener's sweep). */
  get closing(): boolean {
    return this.state === "closing";
  }

  /** Closes the connection now if idle (graceful shutdown, keep-alive timeout). */
  closeIfIdle(): void {
    if (this.idle) this.socket.destroy();
  }

  // ---- ClientSide ----

  write(data: string | Buffer): boolean {
    if (this.queuedText !== "") this.flush();
    return typeof data === "string" ? this.socket.write(data, "latin1") : this.socket.write(data);
  }

  queue(data: string | Buffer): void {
    if (typeof data === "string") {
      this.queuedText += data;
    } else if (data.length <= INLINE_BYTES) {
      this.queuedText += data.toString("latin1");
    } else {
      if (this.queuedText !== "") this.flush();
      this.queuedBuffers = true;
      // A copy: the socket may keep it until written, and upstream chunks live in a shared read buffer.
      this.socket.write(Buffer.from(data));
    }
  }

  flush(): boolean {
    const text = this.queuedText;
    const wroteBuffers = this.queuedBuffers;
    this.queuedText = "";
    this.queuedBuffers = false;
    if (text !== "") return this.socket.write(text, "latin1");
    return !wroteBuffers || this.socket.writableLength < this.socket.writableHighWaterMark;
  }

  pauseReading(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
  }

  bodyWanted(): void {
    this.resumeReading();
    this.process();
  }

  exchangeDone(keepAlive: boolean): void {
    this.exchange = null;
    this.served++;
    if (this.state === "closing") return;
    if (!keepAlive || this.context.proxy.isClosing) {
      this.closeGracefully();
      return;
    }
    this.state = "head";
    const now = Date.now();
    this.headStartedAt = now;
    this.idleSince = now;
    if (!this.waitingForDrain) this.resumeReading();
    this.process();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
