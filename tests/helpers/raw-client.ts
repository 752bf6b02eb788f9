// Sends raw bytes to a server and collects everything it answers until it closes the connection.
import net from "node:net";

export function rawExchange(
  port: number,
  data: string | Buffer,
  options: { timeoutMs?: number; endAfterWrite?: boolean } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.setTimeout(options.timeoutMs ?? 10_000, () => socket.destroy(new Error("raw client timeout")));
    socket.on("connect", () => {
      socket.write(data);
      if (options.endAfterWrite) socket.end();
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET") resolve(Buffer.concat(chunks).toString());
      else reject(error);
    });
    socket.on("close", () => resolve(Buffer.concat(chunks).toString()));
  });
}

/** The status code of the first response in a raw answer, or 0 when there is none. */
export function statusOf(answer: string): number {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(answer);
  return match ? Number(match[1]) : 0;
}
