// A Pulumi program (run under mocks by service-backends.test.ts in its own process, `preview` or `update` mode) whose route names a port the
// backend Service does not have: the error only surfaces once the Service's ports are known, and must fail the
// program with the route's message.
import { installMocks, Types } from "../../helpers/pulumi-mocks";

async function main(): Promise<void> {
  const mocks = await installMocks({ preview: process.argv[2] !== "update" });
  process.on("exit", () => console.log(`ingresses created: ${mocks.ofType(Types.ingress).length}`));
  const k8s = await import("@pulumi/kubernetes");
  const { IngressGateway, HostRoute } = await import("../../../sdk/index.js");
  const gw = new IngressGateway("public", { controller: "builtin" });
  const svc = new k8s.core.v1.Service("api", {
    spec: {
      ports: [
        { name: "http", port: 80 },
        { name: "metrics", port: 9090 },
      ],
    },
  });
  new HostRoute("api", {
    gateway: gw,
    host: "api.example.com",
    paths: [{ path: "/", service: svc, port: "grpc" }],
  });
}

void main();
