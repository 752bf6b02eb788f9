// Misbehaving upstreams on 127.0.0.1 built on bare TCP: for 502 cases.
import { once } from "node:events";
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface RawUpstream {
  readonly port: number;
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/** Accepts connections and calls `onData` with each chunk received. */
export async function startRawUpstream(
  onData: (socket: net.Socket, chunk: Buffer) => void,
): Promise<RawUpstream> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    raw.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.on("data", (chunk) => onData(socket, chunk));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const raw: RawUpstream = {
    port: (server.address() as AddressInfo).port,
    connections: 0,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return raw;
}
