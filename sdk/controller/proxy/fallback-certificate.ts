// The certificate served when a TLS client sends no SNI name or one no Ingress has a secret for (as NGINX's
// "Kubernetes Ingress Controller Fake Certificate"). Generated at startup, never written to disk.
import { createSecureContext, type SecureContext } from "node:tls";
import { issueCertificate } from "../../x509/issue-certificate";
import { TLS_CONTEXT_OPTIONS } from "./tls-settings";

/** Subject CN of the fallback certificate; clients see this when no Ingress serves their SNI name. */
export const FALLBACK_CERTIFICATE_NAME = "ingress-kit fallback certificate";

export interface FallbackCertificate {
  readonly cert: string;
  readonly key: string;
  readonly context: SecureContext;
}

/** A new fallback certificate and key, as PEM. */
export function issueFallbackPem(): { cert: string; key: string } {
  const { cert, key } = issueCertificate({
    subject: { commonName: FALLBACK_CERTIFICATE_NAME, organization: "ingress-kit" },
    altNames: ["ingress-kit.invalid"],
    days: 3650,
  });
  return { cert, key };
}

/** A new fallback certificate, or one made before (cluster workers share the primary's). */
export function createFallbackCertificate(pem?: { cert: string; key: string }): FallbackCertificate {
  const { cert, key } = pem ?? issueFallbackPem();
  return { cert, key, context: createSecureContext({ ...TLS_CONTEXT_OPTIONS, cert, key }) };
}
