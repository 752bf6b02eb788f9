// A small HTTP(S) client for proxy tests: any Host header, any SNI name, the body as text.
import http from "node:http";
import https from "node:https";
import type { PeerCertificate, TLSSocket } from "node:tls";

export interface TestResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The server certificate (HTTPS only). */
  certificate?: PeerCertificate;
}

export interface TestRequest {
  port: number;
  host?: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Use HTTPS; `servername` is the SNI name (default: the host without port; "" sends none). */
  tls?: { servername?: string };
  agent?: http.Agent | false;
  timeoutMs?: number;
}

export function request(options: TestRequest): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const host = options.host ?? "localhost";
    const headers: Record<string, string> = { host, ...options.headers };
    const common: https.RequestOptions = {
      host: "127.0.0.1",
      port: options.port,
      path: options.path ?? "/",
      method: options.method ?? "GET",
      headers,
      agent: options.agent ?? false,
    };
    let req: http.ClientRequest;
    let certificate: PeerCertificate | undefined;
    if (options.tls) {
      const servername = options.tls.servername ?? host.replace(/:\d+$/, "");
      req = https.request({ ...common, rejectUnauthorized: false, servername });
      req.on("socket", (socket) =>
        socket.once("secureConnect", () => (certificate = (socket as TLSSocket).getPeerCertificate())),
      );
    } else {
      req = http.request(common);
    }
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error("test client timeout")));
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
          ...(certificate ? { certificate } : {}),
        }),
      );
    });
    req.end(options.body);
  });
}

/** The upstream's name from a JSON reply, or the raw body. */
export function upstreamName(response: TestResponse): string {
  try {
    return (JSON.parse(response.body) as { name: string }).name;
  } catch {
    return response.body;
  }
}
