// Secrets: the controller keeps `kubernetes.io/tls` ones only, and of those only the certificate and key.
// Everything else a Secret holds (other keys, annotations such as kubectl's last-applied copy of the data)
// is dropped at the source, so no later layer can log it by mistake.
import type { SecretObject } from "./objects";

export const TLS_SECRET_TYPE = "kubernetes.io/tls";
const TLS_KEYS = ["tls.crt", "tls.key"] as const;

/**
 * The TLS part of a Secret, or undefined when it is not of type `kubernetes.io/tls`. `stringData` (accepted in
 * manifest files) is merged into `data` as base64, overriding it, as the API server does on write.
 */
export function toTlsSecret(secret: SecretObject): SecretObject | undefined {
  if (secret.type !== TLS_SECRET_TYPE) return undefined;
  const data: Record<string, string> = {};
  for (const key of TLS_KEYS) {
    const plain = secret.stringData?.[key];
    const encoded = secret.data?.[key];
    if (typeof plain === "string") data[key] = Buffer.from(plain, "utf8").toString("base64");
    else if (typeof encoded === "string") data[key] = encoded;
  }
  const meta = secret.metadata ?? {};
  const metadata: Record<string, unknown> = {};
  for (const field of ["name", "namespace", "uid", "resourceVersion", "creationTimestamp", "labels"]) {
    const value = (meta as Record<string, unknown>)[field];
    if (value !== undefined) metadata[field] = value;
  }
  return { apiVersion: "v1", kind: "Secret", metadata, type: TLS_SECRET_TYPE, data };
}
