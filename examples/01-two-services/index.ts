// Two services behind one gateway: api.example.com goes to the API, www.example.com to the web app, both over
// TLS. The gateway runs F5's NGINX Ingress Controller unless the stack says otherwise
// (`pulumi config set controller builtin`): the routes stay exactly as they are for "traefik", "haproxy",
// "builtin" or the retired "ingress-nginx". `npm run demo` serves this program with the bundled controller.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HostRoute, IngressGateway } from "../../sdk";

const config = new pulumi.Config();

/** A small Deployment and its Service, both named `name` so that routes and dashboards read the same. */
function app(name: string, image: string, containerPort: number, replicas: number): k8s.core.v1.Service {
  const labels = { app: name };
  new k8s.apps.v1.Deployment(name, {
    metadata: { name, namespace: "default" },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name, image, ports: [{ name: "http", containerPort }] }] },
      },
    },
  });
  return new k8s.core.v1.Service(name, {
    metadata: { name, namespace: "default" },
    spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] },
  });
}

const api = app("api", "hashicorp/http-echo:1.0", 5678, 2);
const web = app("web", "nginxinc/nginx-unprivileged:1.27-alpine", 8080, 1);

const gateway = new IngressGateway("public", { controller: config.get("controller") ?? "nginx" });

new HostRoute("api", {
  gateway,
  host: "api.example.com",
  paths: [{ path: "/", service: api }],
  // An existing kubernetes.io/tls Secret, e.g. issued by cert-manager or your platform team.
  tls: { secretName: "api-example-com-tls" },
  timeouts: { read: 30 },
});

new HostRoute("www", {
  gateway,
  host: "www.example.com",
  paths: [{ path: "/", service: web }],
  tls: { secretName: "www-example-com-tls" },
  maxBodySize: "10m",
});

export const ingressClassName = gateway.ingressClassName;
export const address = gateway.address;
