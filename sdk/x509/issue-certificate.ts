// Issues X.509 v3 certificates with node:crypto and a small DER encoder (Node 20 can read certificates but not
// write them): a self-signed server certificate, a local certificate authority, or a server certificate signed
// by that authority. ECDSA P-256 with SHA-256 throughout. Used for the controller's fallback certificate, the
// demo's local CA, and tests, none of which may depend on the openssl CLI.
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from "node:crypto";
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
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extendedKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;

export interface DistinguishedName {
  readonly commonName: string;
  readonly organization?: string;
}

/** A certificate and its key, PEM encoded. The key is secret: never log it. */
export interface IssuedCertificate {
  readonly cert: string;
  readonly key: string;
  /** The parsed key and name, to sign further certificates when this one is a CA. */
  readonly privateKey: KeyObject;
  readonly subject: DistinguishedName;
}

export interface CertificateRequest {
  readonly subject: DistinguishedName;
  /** subjectAltName entries: DNS names (wildcards allowed) or IPv4 addresses. Default: the common name (leaf only). */
  readonly altNames?: readonly string[];
  /** Validity start; default one hour ago (tolerates clock skew). */
  readonly notBefore?: Date;
  /** Validity in days from notBefore; default 365. */
  readonly days?: number;
  /** Issue a certificate authority (may sign others) instead of a server certificate. */
  readonly isCertificateAuthority?: boolean;
  /** The authority that signs; omitted, the certificate signs itself. */
  readonly issuer?: IssuedCertificate;
}

function encodeName(name: DistinguishedName): Buffer {
  const attributes: Buffer[] = [];
  if (name.organization !== undefined) {
    attributes.push(
      derSet(derSequence(derObjectIdentifier(OID.organization), derUtf8String(name.organization))),
    );
  }
  attributes.push(derSet(derSequence(derObjectIdentifier(OID.commonName), derUtf8String(name.commonName))));
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

function keyIdentifier(publicKey: KeyObject): Buffer {
  // RFC 5280 4.2.1.2 method 1 would hash the BIT STRING only; any stable hash of the key serves to link the chain.
  return createHash("sha1")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest();
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** Builds and signs the DER certificate for `publicKey`. */
export function buildCertificateDer(
  request: CertificateRequest,
  publicKey: KeyObject,
  signingKey: KeyObject,
): Buffer {
  const notBefore = request.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = new Date(notBefore.getTime() + (request.days ?? 365) * 86400_000);
  const signatureAlgorithm = derSequence(derObjectIdentifier(OID.ecdsaWithSha256));
  const issuerName = request.issuer?.subject ?? request.subject;
  const issuerKey = request.issuer ? createPublicKey(request.issuer.privateKey) : publicKey;
  const isCa = request.isCertificateAuthority === true;
  const extensions = [
    extension(OID.basicConstraints, true, isCa ? derSequence(derBoolean(true)) : derSequence()),
    // keyUsage BIT STRING: digitalSignature (bit 0) for leaves; keyCertSign (5) and cRLSign (6) for CAs.
    extension(
      OID.keyUsage,
      true,
      isCa ? Buffer.from([0x03, 0x02, 0x01, 0x06]) : Buffer.from([0x03, 0x02, 0x07, 0x80]),
    ),
    extension(OID.subjectKeyIdentifier, false, derOctetString(keyIdentifier(publicKey))),
    extension(
      OID.authorityKeyIdentifier,
      false,
      derSequence(derImplicitPrimitive(0, keyIdentifier(issuerKey))),
    ),
  ];
  if (!isCa) {
    const altNames = request.altNames ?? [request.subject.commonName];
    extensions.push(extension(OID.extendedKeyUsage, false, derSequence(derObjectIdentifier(OID.serverAuth))));
    extensions.push(extension(OID.subjectAltName, false, derSequence(...altNames.map(generalName))));
  }
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // a positive INTEGER
  const tbs = derSequence(
    derExplicit(0, derSmallInteger(2)), // v3
    derUnsignedInteger(serial),
    signatureAlgorithm,
    encodeName(issuerName),
    derSequence(derTime(notBefore), derTime(notAfter)),
    encodeName(request.subject),
    publicKey.export({ type: "spki", format: "der" }),
    derExplicit(3, derSequence(...extensions)),
  );
  const signature = sign("sha256", tbs, signingKey); // ECDSA: DER-encoded (r, s)
  return derSequence(tbs, signatureAlgorithm, derBitString(signature));
}

/** A new P-256 key and a certificate for it: self-signed, or signed by `request.issuer`. About a millisecond. */
export function issueCertificate(request: CertificateRequest): IssuedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const der = buildCertificateDer(request, publicKey, request.issuer?.privateKey ?? privateKey);
  return {
    cert: pem("CERTIFICATE", der),
    key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    privateKey,
    subject: request.subject,
  };
}
