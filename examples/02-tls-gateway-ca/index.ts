// TLS with a gateway CA: the gateway makes one self-signed CA, and every route with `tls: { selfSigned: true }`
// gets a certificate for its host signed by it. Trust the CA once (output `caCertificate`) instead of each route.
import { HostRoute, IngressGateway } from "../../sdk";

const gateway = new IngressGateway("internal", {
  controller: "builtin",
  selfSignedCa: true,
  // A cluster without a load balancer (kind, k3d): expose NodePorts and do not wait for an address.
  service: { type: "NodePort" },
});

const shop = new HostRoute("shop", {
  gateway,
  host: "shop.internal.example.com",
  paths: [{ path: "/", service: { name: "shop", port: 80 } }],
  tls: { selfSigned: true },
  sslRedirect: true,
});

const admin = new HostRoute("admin", {
  gateway,
  host: "admin.internal.example.com",
  paths: [{ path: "/", service: { name: "admin", port: "http" } }],
  tls: { selfSigned: true },
  sslRedirect: true,
  sessionAffinity: "cookie",
});

export const caCertificate = gateway.caCertificatePem;
export const shopTlsSecret = shop.tlsSecret?.metadata.name;
export const adminTlsSecret = admin.tlsSecret?.metadata.name;
