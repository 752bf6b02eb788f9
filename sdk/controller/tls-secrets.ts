// Turns the kubernetes.io/tls Secrets that compiled Ingresses name into TLS SecureContexts, keyed by
// "namespace/secretName". Contexts are reused from the previous snapshot when the secret's data is unchanged,
// so a reload does not re-parse every certificate. Key material is never logged or put in messages.
import { createHash } from "node:crypto";
import { createSecureContext, type SecureContext } from "node:tls";
import type { IngressObject, ObjectRef } from "../matcher";
import { TLS_CONTEXT_OPTIONS } from "./proxy/tls-settings";
import type { SecretObject } from "./sources/objects";

export const TlsSecretCodes = {
  SECRET_NOT_FOUND: "ERR_TLS_SECRET_NOT_FOUND",
  INVALID_SECRET: "ERR_INVALID_TLS_SECRET",
} as const;

export interface CachedContext {
  readonly fingerprint: string;
  readonly context: SecureContext;
}

export interface TlsSecretProblem {
  readonly ingress: ObjectRef;
  readonly code: string;
  readonly message: string;
}

export interface TlsContexts {
  readonly contexts: ReadonlyMap<string, CachedContext>;
  readonly problems: readonly TlsSecretProblem[];
}

function field(secret: SecretObject, name: string): string | undefined {
  const text = secret.stringData?.[name];
  if (typeof text === "string") return text;
  const data = secret.data?.[name];
  return typeof data === "string" ? Buffer.from(data, "base64").toString("utf8") : undefined;
}

export function buildTlsContexts(
  ingresses: readonly IngressObject[],
  secrets: readonly SecretObject[],
  previous: ReadonlyMap<string, CachedContext> = new Map(),
): TlsContexts {
  const secretsByKey = new Map<string, SecretObject>();
  for (const secret of secrets) {
    const name = secret?.metadata?.name;
    if (name) secretsByKey.set(`${secret.metadata?.namespace ?? "default"}/${name}`, secret);
  }
  const contexts = new Map<string, CachedContext>();
  const failed = new Map<string, { code: string; message: string }>();
  const problems: TlsSecretProblem[] = [];

  for (const ingress of ingresses) {
    const namespace = ingress.metadata?.namespace ?? "default";
    const ref = { namespace, name: ingress.metadata?.name ?? "" };
    for (const tls of ingress.spec?.tls ?? []) {
      const secretName = tls?.secretName;
      if (!secretName) continue;
      const key = `${namespace}/${secretName}`;
      if (contexts.has(key)) continue;
      let failure = failed.get(key);
      if (!failure) {
        const secret = secretsByKey.get(key);
        const crt = secret ? field(secret, "tls.crt") : undefined;
        const privateKey = secret ? field(secret, "tls.key") : undefined;
        if (!secret) {
          failure = {
            code: TlsSecretCodes.SECRET_NOT_FOUND,
            message: `TLS secret "${key}" not found; its hosts get the fallback certificate. Create the Secret or fix spec.tls[].secretName.`,
          };
        } else if (!crt || !privateKey) {
          failure = {
            code: TlsSecretCodes.INVALID_SECRET,
            message: `TLS secret "${key}" has no tls.crt or tls.key; its hosts get the fallback certificate. Store a kubernetes.io/tls Secret.`,
          };
        } else {
          const fingerprint = createHash("sha256").update(crt).update("\0").update(privateKey).digest("hex");
          const cached = previous.get(key);
          if (cached && cached.fingerprint === fingerprint) {
            contexts.set(key, cached);
            continue;
          }
          try {
            contexts.set(key, {
              fingerprint,
              context: createSecureContext({ ...TLS_CONTEXT_OPTIONS, cert: crt, key: privateKey }),
            });
            continue;
          } catch (error) {
            // OpenSSL's reason (e.g. "key values mismatch") names no key material.
            const reason = error instanceof Error ? error.message.split("\n")[0] : "unreadable";
            failure = {
              code: TlsSecretCodes.INVALID_SECRET,
              message: `TLS secret "${key}" cannot be loaded (${reason}); its hosts get the fallback certificate. Store a PEM certificate and its matching key.`,
            };
          }
        }
        failed.set(key, failure);
      }
      problems.push({ ingress: ref, ...failure });
    }
  }
  return { contexts, problems };
}
