// The TLS certificate of the benchmark hosts: self-signed ECDSA P-256 by the repository's own issuer (the one
// the controller uses for its fallback certificate), so every proxy does the same handshake work. Written as
// PEM files for NGINX, as one combined PEM for HAProxy, and returned for the controller's Secret.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { issueCertificate } from "../../sdk/x509/issue-certificate";

export interface CertificateFiles {
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** Certificate then key, for HAProxy's `crt`. */
  readonly combinedFile: string;
}

export function writeCertificate(dir: string, hosts: readonly string[]): CertificateFiles {
  const issued = issueCertificate({
    subject: { commonName: hosts[0] ?? "localhost", organization: "ingress-kit bench" },
    altNames: hosts,
    days: 2,
  });
  const certFile = join(dir, "bench.crt");
  const keyFile = join(dir, "bench.key");
  const combinedFile = join(dir, "bench.pem");
  writeFileSync(certFile, issued.cert, { mode: 0o600 });
  writeFileSync(keyFile, issued.key, { mode: 0o600 });
  writeFileSync(combinedFile, issued.cert + issued.key, { mode: 0o600 });
  return { cert: issued.cert, key: issued.key, certFile, keyFile, combinedFile };
}
