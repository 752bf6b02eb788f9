// Two services behind one gateway: api.example.com goes to the API, www.example.com to the web app.
// The gateway runs F5's NGINX Ingress Controller; change `controller` to "traefik", "haproxy" or "builtin" and
// nothing else changes.
import * as k8s from "@pulumi/kubernetes";
import { HostRoute, IngressGateway } from "../../sdk";

/** A small Deployment and its Service. */
function app(name: string, image: string, containerPort: number): k8s.core.v1.Service {
  const labels = { app: name };
  new k8s.apps.v1.Deployment(name, {
    metadata: { namespace: "default" },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name, image, ports: [{ name: "http", containerPort }] }] },
      },
    },
  });
  return new k8s.core.v1.Service(name, {
    metadata: { namespace: "default" },
    spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] },
  });
}

const api = app("api", "hashicorp/http-echo:1.0", 5678);
const web = app("web", "nginxinc/nginx-unprivileged:1.27-alpine", 8080);

const gateway = new IngressGateway("public", { controller: "nginx" });

new HostRoute("api", {
  gateway,
  host: "api.example.com",
  paths: [{ path: "/", service: api }],
  timeouts: { read: 30 },
});

new HostRoute("www", {
  gateway,
  host: "www.example.com",
  paths: [{ path: "/", service: web }],
  maxBodySize: "10m",
});

export const ingressClassName = gateway.ingressClassName;
export const address = gateway.address;
