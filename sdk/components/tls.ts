// TLS for HostRoutes: self-signed certificates made with @pulumi/tls (signed by the gateway's CA when it has one),
// stored as `kubernetes.io/tls` Secrets whose private key is a Pulumi secret.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

/**
 * TLS for a HostRoute: exactly one of the three fields.
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
 */
export interface HostRouteTls {
  /** Create a private key and a certificate for the route's host (signed by the gateway's CA if it has one). */
  selfSigned?: boolean;
  /** Use an existing `kubernetes.io/tls` Secret of this name in the route's namespace. */
  secretName?: string;
  /**
   * Let cert-manager issue the certificate: sets `cert-manager.io/cluster-issuer` to this ClusterIssuer, and
   * cert-manager stores it in the Secret `<route name>-tls` (or `secretName` when given with it).
   * @see https://cert-manager.io/docs/usage/ingress/
   */
  clusterIssuer?: string;
}

/** A gateway's self-signed CA, shared by its self-signed routes. */
export interface GatewayCa {
  readonly privateKeyPem: pulumi.Output<string>;
  readonly certPem: pulumi.Output<string>;
}

const KEY_ARGS: tls.PrivateKeyArgs = { algorithm: "ECDSA", ecdsaCurve: "P256" };
const SERVER_USES = ["digital_signature", "key_encipherment", "server_auth"];

/** Creates the gateway CA: an ECDSA key and a self-signed CA certificate valid five years. */
export function createGatewayCa(name: string, parent: pulumi.Resource, ingressClassName: string): GatewayCa {
  const key = new tls.PrivateKey(`${name}-ca`, KEY_ARGS, { parent });
  const cert = new tls.SelfSignedCert(
    `${name}-ca`,
    {
      privateKeyPem: key.privateKeyPem,
      isCaCertificate: true,
      subject: { commonName: `Ingress Kit CA (${ingressClassName})`, organization: "Ingress Kit" },
      validityPeriodHours: 5 * 365 * 24,
      earlyRenewalHours: 30 * 24,
      allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
    },
    { parent },
  );
  return { privateKeyPem: pulumi.secret(key.privateKeyPem), certPem: cert.certPem };
}

/** The PEM key and certificate chain of a self-signed route certificate. */
export interface RouteCertificate {
  readonly certPem: pulumi.Output<string>;
  /** Always a Pulumi secret. */
  readonly privateKeyPem: pulumi.Output<string>;
}

/**
 * Creates a key and a certificate whose subject and only SAN is `host`, valid one year: self-signed, or signed by
 * `ca` (the chain then holds the leaf and the CA certificate).
 */
export function createRouteCertificate(
  name: string,
  parent: pulumi.Resource,
  host: string,
  ca: GatewayCa | undefined,
): RouteCertificate {
  const key = new tls.PrivateKey(`${name}-tls`, KEY_ARGS, { parent });
  const subject = { commonName: host, organization: "Ingress Kit" };
  const validity = { validityPeriodHours: 365 * 24, earlyRenewalHours: 30 * 24, allowedUses: SERVER_USES };
  let certPem: pulumi.Output<string>;
  if (ca) {
    const request = new tls.CertRequest(
      `${name}-tls`,
      { privateKeyPem: key.privateKeyPem, subject, dnsNames: [host] },
      { parent },
    );
    const cert = new tls.LocallySignedCert(
      `${name}-tls`,
      {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: ca.privateKeyPem,
        caCertPem: ca.certPem,
        ...validity,
      },
      { parent },
    );
    certPem = pulumi
      .all([cert.certPem, ca.certPem])
      .apply(([leaf, root]) => `${leaf.trimEnd()}\n${root.trimEnd()}\n`);
  } else {
    const cert = new tls.SelfSignedCert(
      `${name}-tls`,
      { privateKeyPem: key.privateKeyPem, subject, dnsNames: [host], ...validity },
      { parent },
    );
    certPem = cert.certPem;
  }
  return { certPem, privateKeyPem: pulumi.secret(key.privateKeyPem) };
}

/** A `kubernetes.io/tls` Secret holding a route certificate; its data is secret in Pulumi state. */
export function createTlsSecret(
  name: string,
  parent: pulumi.Resource,
  namespace: pulumi.Input<string>,
  certificate: RouteCertificate,
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    `${name}-tls`,
    {
      metadata: { namespace },
      type: "kubernetes.io/tls",
      stringData: { "tls.crt": certificate.certPem, "tls.key": certificate.privateKeyPem },
    },
    { parent },
  );
}
