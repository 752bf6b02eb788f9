// Builds a self-signed X.509 v3 certificate (ECDSA P-256, SHA-256) with node:crypto and a tiny DER encoder.
// Used for the fallback certificate served to unknown or missing SNI names, and by tests to make real TLS
// certificates without the openssl CLI.
import { createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isIPv4 } from "node:net";
import {
  derBitString,
  derBoolean,
  derExplicit,
  derImplicitPrimitive,
  derObjectIdentifier,
  derOctetString,
  derSequence,
  derSet,
  derSmallInteger,
  derTime,
  derUnsignedInteger,
  derUtf8String,
} from "./asn1-der";

const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extendedKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;

export interface SelfSignedCertificateOptions {
  /** Subject and issuer CN. */
  commonName: string;
  /** subjectAltName entries: DNS names (wildcards allowed) or IPv4 addresses. Default: `[commonName]`. */
  altNames?: readonly string[];
  /** Subject and issuer O. Default: none. */
  organization?: string;
  /** Validity start. Default: one hour ago (tolerates clock skew). */
  notBefore?: Date;
  /** Validity in days from `notBefore`. Default 365. */
  days?: number;
}

export interface SelfSignedCertificate {
  /** PEM certificate. */
  readonly cert: string;
  /** PEM PKCS#8 private key. Never log it. */
  readonly key: string;
}

function name(commonName: string, organization: string | undefined): Buffer {
  const attributes = [];
  if (organization !== undefined) {
    attributes.push(derSet(derSequence(derObjectIdentifier(OID.organization), derUtf8String(organization))));
  }
  attributes.push(derSet(derSequence(derObjectIdentifier(OID.commonName), derUtf8String(commonName))));
  return derSequence(...attributes);
}

function generalName(altName: string): Buffer {
  if (isIPv4(altName)) return derImplicitPrimitive(7, Buffer.from(altName.split(".").map(Number)));
  if (!/^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(altName)) {
    throw new RangeError(`invalid subjectAltName "${altName}": use a DNS name or an IPv4 address`);
  }
  return derImplicitPrimitive(2, Buffer.from(altName.toLowerCase(), "ascii"));
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? derSequence(derObjectIdentifier(oid), derBoolean(true), derOctetString(value))
    : derSequence(derObjectIdentifier(oid), derOctetString(value));
}

/** The DER TBSCertificate and the DER certificate signed with `privateKey`. */
export function buildCertificateDer(options: SelfSignedCertificateOptions, privateKey: KeyObject): Buffer {
  const notBefore = options.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = new Date(notBefore.getTime() + (options.days ?? 365) * 86400_000);
  const altNames = options.altNames ?? [options.commonName];
  const signatureAlgorithm = derSequence(derObjectIdentifier(OID.ecdsaWithSha256));
  const issuer = name(options.commonName, options.organization);
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  const extensions = derSequence(
    extension(OID.basicConstraints, true, derSequence()),
    // digitalSignature (bit 0) for ECDHE: BIT STRING with 7 unused bits, value 0x80.
    extension(OID.keyUsage, true, Buffer.from([0x03, 0x02, 0x07, 0x80])),
    extension(OID.extendedKeyUsage, false, derSequence(derObjectIdentifier(OID.serverAuth))),
    extension(OID.subjectAltName, false, derSequence(...altNames.map(generalName))),
  );
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // positive
  const tbs = derSequence(
    derExplicit(0, derSmallInteger(2)), // v3
    derUnsignedInteger(serial),
    signatureAlgorithm,
    issuer,
    derSequence(derTime(notBefore), derTime(notAfter)),
    issuer, // self-signed: subject = issuer
    spki,
    derExplicit(3, extensions),
  );
  const signature = sign("sha256", tbs, privateKey); // ECDSA: DER-encoded (r, s)
  return derSequence(tbs, signatureAlgorithm, derBitString(signature));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** A new P-256 key and a self-signed server certificate for it. Takes about a millisecond. */
export function createSelfSignedCertificate(options: SelfSignedCertificateOptions): SelfSignedCertificate {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const der = buildCertificateDer(options, privateKey);
  return {
    cert: pem("CERTIFICATE", der),
    key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}
