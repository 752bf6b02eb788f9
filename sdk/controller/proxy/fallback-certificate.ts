// The certificate served when a TLS client sends no SNI name or one no Ingress has a secret for (as NGINX's
// "Kubernetes Ingress Controller Fake Certificate"). Generated at startup, never written to disk.
import { createSecureContext, type SecureContext } from "node:tls";
import { createSelfSignedCertificate } from "./self-signed-certificate";
import { TLS_CONTEXT_OPTIONS } from "./tls-settings";

/** Subject CN of the fallback certificate; clients see this when no Ingress serves their SNI name. */
export const FALLBACK_CERTIFICATE_NAME = "ingress-kit fallback certificate";

export interface FallbackCertificate {
  readonly cert: string;
  readonly key: string;
  readonly context: SecureContext;
}

export function createFallbackCertificate(): FallbackCertificate {
  const { cert, key } = createSelfSignedCertificate({
    commonName: FALLBACK_CERTIFICATE_NAME,
    altNames: ["ingress-kit.invalid"],
    organization: "ingress-kit",
    days: 3650,
  });
  return { cert, key, context: createSecureContext({ ...TLS_CONTEXT_OPTIONS, cert, key }) };
}
