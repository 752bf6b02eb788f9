// TLS material the cluster workers share, made once by the primary: the session ticket keys (a client that
// reconnects to another worker resumes its session instead of a full handshake) and the fallback certificate
// (every worker shows the same one). Passed to each worker in its environment, which the worker deletes once read,
// so it reaches no child process; never logged.
import { randomBytes } from "node:crypto";
import { issueFallbackPem } from "./proxy/fallback-certificate";

export const SHARED_TLS_ENV = "INGRESS_KIT_WORKER_TLS";

export interface SharedTlsMaterial {
  readonly ticketKeys: Buffer;
  readonly fallback: { readonly cert: string; readonly key: string };
}

export function createSharedTlsMaterial(): SharedTlsMaterial {
  return { ticketKeys: randomBytes(48), fallback: issueFallbackPem() };
}

/** The environment entry that carries the material to a worker. */
export function sharedTlsEnvironment(material: SharedTlsMaterial): Record<string, string> {
  return {
    [SHARED_TLS_ENV]: JSON.stringify({
      ticketKeys: material.ticketKeys.toString("base64"),
      cert: material.fallback.cert,
      key: material.fallback.key,
    }),
  };
}

/** In a worker: takes the material out of the environment (and removes it), or undefined when absent. */
export function takeSharedTlsMaterial(env: NodeJS.ProcessEnv = process.env): SharedTlsMaterial | undefined {
  const raw = env[SHARED_TLS_ENV];
  delete env[SHARED_TLS_ENV];
  if (raw === undefined) return undefined;
  const parsed = JSON.parse(raw) as { ticketKeys: string; cert: string; key: string };
  return {
    ticketKeys: Buffer.from(parsed.ticketKeys, "base64"),
    fallback: { cert: parsed.cert, key: parsed.key },
  };
}
