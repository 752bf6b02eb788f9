// Stand-ins for the example's pods: one small HTTP server per replica on 127.0.0.1, answering with its service
// and replica name so the demo can show which one served each request.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface DemoBackend {
  readonly service: string;
  readonly namespace: string;
  /** e.g. "api-1": what the response names. */
  readonly replica: string;
  readonly port: number;
  readonly server: Server;
}

export async function startDemoBackend(
  namespace: string,
  service: string,
  index: number,
): Promise<DemoBackend> {
  const replica = `${service}-${index}`;
  const server = createServer((request, response) => {
    const body = JSON.stringify({
      service,
      replica,
      path: request.url,
      host: request.headers.host,
      forwardedProto: request.headers["x-forwarded-proto"] ?? null,
    });
    response.writeHead(200, { "content-type": "application/json", "x-demo-replica": replica });
    response.end(body + "\n");
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return { service, namespace, replica, port: (server.address() as AddressInfo).port, server };
}

export async function stopDemoBackends(backends: readonly DemoBackend[]): Promise<void> {
  await Promise.all(
    backends.map(
      (b) =>
        new Promise<void>((resolve) => {
          b.server.closeAllConnections();
          b.server.close(() => resolve());
        }),
    ),
  );
}
