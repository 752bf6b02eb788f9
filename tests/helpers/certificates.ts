// Throwaway TLS certificates for tests, made with node:crypto (no openssl needed).
import { X509Certificate } from "node:crypto";
import { issueCertificate } from "../../sdk/x509/issue-certificate";

export interface TestCertificate {
  cert: string;
  key: string;
}

export function makeCertificate(commonName: string, altNames: string[] = [commonName]): TestCertificate {
  const { cert, key } = issueCertificate({ subject: { commonName }, altNames, days: 2 });
  return { cert, key };
}

/** The subject CN and subjectAltName of a PEM or DER certificate, for assertions. */
export function describeCertificate(cert: string | Buffer): { subject: string; altNames: string } {
  const x509 = new X509Certificate(cert);
  return { subject: x509.subject, altNames: x509.subjectAltName ?? "" };
}
