// TLS settings shared by every certificate the controller serves: TLS 1.2 and 1.3 only, forward-secret AEAD
// ciphers (Mozilla "intermediate" profile), server cipher preference.
import type { SecureContextOptions } from "node:tls";

export const TLS_CIPHERS = [
  "TLS_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

export const TLS_CONTEXT_OPTIONS: SecureContextOptions = Object.freeze({
  minVersion: "TLSv1.2",
  ciphers: TLS_CIPHERS,
  honorCipherOrder: true,
});
