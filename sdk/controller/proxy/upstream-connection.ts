// One keep-alive connection to an upstream endpoint for the fast HTTP/1.1 path. Its socket listeners are attached
// once, for the connection's life, and dispatch to whichever request currently owns it: no listener churn per
// request. An idle connection that receives bytes or closes is dropped from its pool.
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { UpstreamTimeoutError } from "./upstream";

/** Where plain upstream connections read; a chunk handed to an owner is only valid during the call. */
const SHARED_READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** What a request that borrowed the connection hears from it. */
export interface UpstreamOwner {
  /** A new connection is established (TLS included); a reused one is attached already connected. */
  onUpstreamConnect(): void;
  /** Bytes from the upstream, valid only during the call (a shared read buffer): copy what you keep. */
  onUpstreamData(chunk: Buffer): void;
  /** The upstream ended its side (EOF). */
  onUpstreamEnd(): void;
  /** Error, timeout, or close while owned; `error` says what. */
  onUpstreamFailure(error: Error): void;
  /** The socket accepts writes again after a write returned false. */
  onUpstreamDrain(): void;
}

export interface UpstreamAddress {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  /** SNI name for HTTPS upstreams ("" for none). */
  readonly servername: string;
}

export interface ConnectionReleaser {
  /** The connection is idle again (or closed: `reusable` false). */
  released(connection: UpstreamConnection, reusable: boolean): void;
  /** The connection closed on its own. */
  closed(connection: UpstreamConnection): void;
}

export class UpstreamConnection {
  owner: UpstreamOwner | null = null;
  /** Requests served on this connection so far (a reused connection may be stale: see the retry rules). */
  uses = 0;
  /** When it became idle (ms, Date.now()). */
  idleSince = 0;
  /** Not to be used after this (ms): the upstream's own keep-alive timeout, less a margin. */
  idleUntil = Infinity;
  connected = false;
  private readTimeoutMs = 0;
  private connectTimer: NodeJS.Timeout | null = null;
  readonly socket: Socket;

  constructor(
    address: UpstreamAddress,
    connectTimeoutMs: number,
    private readonly releaser: ConnectionReleaser,
  ) {
    const socket = address.secure
      ? tlsConnect({
          host: address.host,
          port: address.port,
          // In-cluster backends usually serve self-signed certificates (NGINX's proxy_ssl_verify off).
          rejectUnauthorized: false,
          ...(address.servername !== "" ? { servername: address.servername } : {}),
          ALPNProtocols: ["http/1.1"],
        })
      : netConnect({
          host: address.host,
          port: address.port,
          // Plain connections read into one buffer shared by all of them, bypassing the Readable stream's
          // per-chunk work: the owner handles each chunk synchronously and copies what it keeps.
          onread: { buffer: SHARED_READ_BUFFER, callback: (bytes: number) => this.onRead(bytes) },
        });
    this.socket = socket;
    socket.setNoDelay(true);
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      socket.destroy(new UpstreamTimeoutError("connect_timeout"));
    }, connectTimeoutMs);
    socket.once(address.secure ? "secureConnect" : "connect", () => {
      if (this.connectTimer) clearTimeout(this.connectTimer);
      this.connectTimer = null;
      this.connected = true;
      this.owner?.onUpstreamConnect();
    });
    if (address.secure) socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("end", () => this.owner?.onUpstreamEnd());
    socket.on("drain", () => this.owner?.onUpstreamDrain());
    socket.on("timeout", () => {
      if (this.owner && this.connected) socket.destroy(new UpstreamTimeoutError("read_timeout"));
    });
    socket.on("error", (error: Error) => this.fail(error));
    socket.on("close", () => {
      if (this.connectTimer) clearTimeout(this.connectTimer);
      this.fail(new UpstreamClosedError());
      this.releaser.closed(this);
    });
  }

  private onRead(bytes: number): boolean {
    this.onData(SHARED_READ_BUFFER.subarray(0, bytes));
    return true; // keep reading (backpressure pauses the socket explicitly)
  }

  private onData(chunk: Buffer): void {
    const owner = this.owner;
    if (owner) owner.onUpstreamData(chunk);
    else this.socket.destroy(); // bytes while idle: the upstream broke the protocol; never hand this out again
  }

  private fail(error: Error): void {
    const owner = this.owner;
    if (!owner) return;
    this.owner = null;
    owner.onUpstreamFailure(error);
  }

  /** Lends the connection to a request; `readTimeoutMs` is the longest silence from the upstream while it waits. */
  attach(owner: UpstreamOwner, readTimeoutMs: number): void {
    this.owner = owner;
    this.uses++;
    if (readTimeoutMs !== this.readTimeoutMs) {
      this.readTimeoutMs = readTimeoutMs;
      this.socket.setTimeout(readTimeoutMs);
    }
  }

  /**
   * The request is done with the connection; it goes back to the pool when `reusable`, else it is closed.
   * `upstreamIdleMs` is how long the upstream said it keeps an idle connection (`Keep-Alive: timeout=N`), if it did.
   */
  release(reusable: boolean, upstreamIdleMs = Infinity): void {
    this.owner = null;
    if (!reusable || this.socket.destroyed) {
      this.socket.destroy();
      this.releaser.released(this, false);
      return;
    }
    this.idleSince = Date.now();
    // A second's margin: a request sent as the upstream's timer fires would meet a closed connection.
    this.idleUntil = this.idleSince + upstreamIdleMs - 1_000;
    this.releaser.released(this, true);
  }

  get alive(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }
}

/** The upstream closed the connection while a request was using it. */
export class UpstreamClosedError extends Error {
  readonly code = "ECONNRESET";
  constructor() {
    super("upstream closed the connection");
    this.name = "UpstreamClosedError";
  }
}
