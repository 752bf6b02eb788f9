// Two controllers side by side: Traefik serves the public routes, the bundled controller the internal ones.
// Each gateway owns its own IngressClass, so the same host and path on both never conflict.
import { HostRoute, IngressGateway } from "../../sdk";

const publicGateway = new IngressGateway("public", { controller: "traefik" });
const internalGateway = new IngressGateway("internal", {
  controller: "builtin",
  service: { type: "ClusterIP" },
});

new HostRoute("shop-public", {
  gateway: publicGateway,
  host: "shop.example.com",
  paths: [
    { path: "/", service: { name: "storefront", port: 80 } },
    { path: "/api", service: { name: "api", port: 8080 } },
  ],
  tls: { clusterIssuer: "letsencrypt" },
  sslRedirect: true,
});

new HostRoute("shop-internal", {
  gateway: internalGateway,
  host: "shop.example.com",
  paths: [
    { path: "/api", service: { name: "api", port: 8080 } },
    { path: "/admin", service: { name: "admin", port: 80 } },
  ],
  rewriteTarget: "/",
});

export const publicAddress = publicGateway.address;
export const publicClass = publicGateway.ingressClassName;
export const internalService = internalGateway.serviceName;
export const internalClass = internalGateway.ingressClassName;
