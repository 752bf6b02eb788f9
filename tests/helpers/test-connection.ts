// One client connection on 127.0.0.1, plain or TLS, that keeps what the server sent: for tests about connections
// themselves (limits, tunnels), where each request must go over a connection the test chose.
import { once } from "node:events";
import net from "node:net";
import tls from "node:tls";
import { decodeFrame } from "./websocket-frames";

export class TestConnection {
  /** Bytes received and not consumed yet. */
  private buffered = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  /** Set when the connection has closed, with whatever error ended it. */
  closedWith: { error: NodeJS.ErrnoException | null } | null = null;
  readonly closed: Promise<void>;
  /** Everything received, as text: what a refused connection got (nothing). */
  received = "";

  private constructor(readonly socket: net.Socket) {
    let error: NodeJS.ErrnoException | null = null;
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.received += chunk.toString("latin1");
      this.wake();
    });
    socket.on("error", (e: NodeJS.ErrnoException) => (error = e));
    this.closed = once(socket, "close").then(() => {
      this.closedWith = { error };
      this.wake();
    });
  }

  /** Connects (and finishes the TLS handshake); rejects when the server closes the connection first. */
  static async open(port: number, options: { tls?: { servername: string } } = {}): Promise<TestConnection> {
    const socket = options.tls
      ? tls.connect({
          host: "127.0.0.1",
          port,
          servername: options.tls.servername,
          rejectUnauthorized: false,
        })
      : net.connect(port, "127.0.0.1");
    const connection = new TestConnection(socket);
    const ready = once(socket, options.tls ? "secureConnect" : "connect");
    await Promise.race([
      ready,
      connection.closed.then(() => {
        throw new Error(
          `connection closed before it was established (${connection.closedWith?.error?.code})`,
        );
      }),
    ]);
    return connection;
  }

  private wake(): void {
    this.waiters.splice(0).forEach((wake) => wake());
  }

  /** Waits for more bytes or the close; throws after `timeoutMs`. */
  private async more(timeoutMs: number): Promise<void> {
    if (this.closedWith) throw new Error(`connection closed (${this.closedWith.error?.code ?? "end"})`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.waiters.push(resolve)),
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`nothing received within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Reads one response head (and its Content-Length body); returns the head. */
  async readResponse(timeoutMs = 5_000): Promise<{ head: string; body: string }> {
    for (;;) {
      const end = this.buffered.indexOf("\r\n\r\n");
      if (end !== -1) {
        const head = this.buffered.subarray(0, end).toString("latin1");
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (this.buffered.length >= end + 4 + length) {
          const body = this.buffered.subarray(end + 4, end + 4 + length).toString();
          this.buffered = this.buffered.subarray(end + 4 + length);
          return { head, body };
        }
      }
      await this.more(timeoutMs);
    }
  }

  /** Sends a keep-alive GET and reads its response. */
  async get(host: string, path = "/", timeoutMs = 5_000): Promise<{ head: string; body: string }> {
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    return this.readResponse(timeoutMs);
  }

  /** Sends a WebSocket upgrade request and reads the answer's head. */
  async upgrade(host: string, path = "/ws", timeoutMs = 5_000): Promise<string> {
    this.socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    for (;;) {
      const end = this.buffered.indexOf("\r\n\r\n");
      if (end !== -1) {
        const head = this.buffered.subarray(0, end).toString("latin1");
        this.buffered = this.buffered.subarray(end + 4);
        return head;
      }
      await this.more(timeoutMs);
    }
  }

  /** Reads one small WebSocket text frame. */
  async readFrame(timeoutMs = 5_000): Promise<string> {
    for (;;) {
      const frame = decodeFrame(this.buffered);
      if (frame) {
        this.buffered = this.buffered.subarray(frame.length);
        return frame.text;
      }
      await this.more(timeoutMs);
    }
  }

  /** Resolves when the connection has closed; throws after `timeoutMs`. */
  async waitClosed(timeoutMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.closed,
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  destroy(): void {
    this.socket.destroy();
  }
}
