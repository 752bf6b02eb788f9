// The live requests the demo makes against the running controller, and what each must show: routing by host,
// round robin across replicas, TLS termination with the local CA's certificates, the HTTP-to-HTTPS redirect and
// a 404 for an unknown host.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { TLSSocket } from "node:tls";

export interface DemoRequest {
  readonly scheme: "http" | "https";
  readonly host: string;
  readonly path: string;
  /** What this request demonstrates, for the table. */
  readonly shows: string;
  readonly expectStatus: number;
  /** The service whose replica must answer (null: no backend answers). */
  readonly expectService: string | null;
}

export interface DemoResult extends DemoRequest {
  readonly status: number | null;
  readonly replica: string | null;
  /** Subject CN of the certificate the controller presented, for HTTPS. */
  readonly certificate: string | null;
  /** Whether the certificate chains to the demo CA for this host name. */
  readonly trusted: boolean | null;
  readonly location: string | null;
  readonly ok: boolean;
  readonly error: string | null;
}

export interface DemoTarget {
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly caCertificate: string;
}

function send(
  target: DemoTarget,
  req: DemoRequest,
  verify: boolean,
): Promise<Omit<DemoResult, keyof DemoRequest | "ok">> {
  return new Promise((resolve) => {
    const common = {
      host: "127.0.0.1",
      path: req.path,
      headers: { host: req.host },
      agent: false as const,
      timeout: 5_000,
    };
    const onResponse = (response: import("node:http").IncomingMessage) => {
      const socket = response.socket as TLSSocket;
      const certificate = req.scheme === "https" ? (socket.getPeerCertificate?.().subject?.CN ?? null) : null;
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => {
        let replica: string | null = null;
        try {
          replica = (JSON.parse(body) as { replica?: string }).replica ?? null;
        } catch {
          // not a demo backend's answer (a 404 or a redirect from the controller)
        }
        const location = response.headers.location;
        resolve({
          status: response.statusCode ?? null,
          replica,
          certificate: Array.isArray(certificate) ? certificate.join(",") : certificate,
          trusted: req.scheme === "https" ? verify : null,
          location: location ?? null,
          error: null,
        });
      });
    };
    const onError = (error: Error) =>
      resolve({
        status: null,
        replica: null,
        certificate: null,
        trusted: null,
        location: null,
        error: error.message,
      });
    const outgoing =
      req.scheme === "https"
        ? httpsRequest(
            {
              ...common,
              port: target.httpsPort,
              servername: req.host,
              ca: target.caCertificate,
              rejectUnauthorized: verify,
            },
            onResponse,
          )
        : httpRequest({ ...common, port: target.httpPort }, onResponse);
    outgoing.on("timeout", () => outgoing.destroy(new Error("timed out after 5 s")));
    outgoing.on("error", onError);
    outgoing.end();
  });
}

/** Sends each request (verifying TLS against the demo CA where a trusted certificate is expected). */
export async function runDemoRequests(
  target: DemoTarget,
  requests: readonly DemoRequest[],
): Promise<DemoResult[]> {
  const results: DemoResult[] = [];
  for (const req of requests) {
    // Unknown hosts get the controller's fallback certificate, which no CA vouches for: look, but don't trust.
    const verify = req.scheme === "https" && req.expectService !== null;
    const answer = await send(target, req, verify);
    const serviceOk =
      req.expectService === null
        ? answer.replica === null
        : (answer.replica ?? "").startsWith(`${req.expectService}-`);
    results.push({
      ...req,
      ...answer,
      ok: answer.error === null && answer.status === req.expectStatus && serviceOk,
    });
  }
  return results;
}

/** Round robin shows when the requests to one service were answered by every one of its replicas. */
export function replicasSeen(results: readonly DemoResult[], service: string): string[] {
  return [
    ...new Set(results.filter((r) => r.expectService === service && r.replica).map((r) => r.replica!)),
  ].sort();
}
