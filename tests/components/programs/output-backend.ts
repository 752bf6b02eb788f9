// A Pulumi program (run under mocks by output-backends.test.ts in its own process) whose route gives a
// `{ name, port }` backend as Outputs: argv[2] is the mode (`preview` or `update`), argv[3] the backend
// (`bad-port`, `bad-name`, `good`, or `unknown`: a value unknown in preview). A bad value fails the program with the
// route's message once known, and no Ingress is created.
import * as pulumi from "@pulumi/pulumi";
import { installMocks, Types } from "../../helpers/pulumi-mocks";

const BACKENDS: Record<string, () => { name: pulumi.Input<string>; port: pulumi.Input<number | string> }> = {
  "bad-port": () => ({ name: pulumi.output("api"), port: pulumi.output(70000) }),
  "bad-name": () => ({ name: pulumi.output("Api_Service"), port: pulumi.output("http") }),
  good: () => ({ name: pulumi.output("api"), port: pulumi.output(8080) }),
  unknown: () => ({
    name: pulumi.output(pulumi.unknown as unknown as string),
    port: pulumi.output(pulumi.unknown as unknown as number),
  }),
};

async function main(): Promise<void> {
  const mocks = await installMocks({ preview: process.argv[2] !== "update" });
  process.on("exit", () => {
    const ingresses = mocks.ofType(Types.ingress);
    console.log(`ingresses created: ${ingresses.length}`);
    for (const ingress of ingresses) {
      console.log(`paths: ${JSON.stringify(ingress.inputs.spec?.rules?.[0]?.http?.paths)}`);
    }
  });
  const { IngressGateway, HostRoute } = await import("../../../sdk/index.js");
  const gw = new IngressGateway("public", { controller: "builtin" });
  new HostRoute("api", {
    gateway: gw,
    host: "api.example.com",
    paths: [
      { path: "/", service: { name: "web", port: 80 } },
      { path: "/api", service: BACKENDS[process.argv[3] ?? "good"]!() },
    ],
  });
}

void main();
