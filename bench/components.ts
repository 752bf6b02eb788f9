// `npm run bench:components`: 1,000 HostRoutes on one gateway under Pulumi mocks, timed from the first route to the
// last registration. Each route is checked against all the others through the matcher's ConflictIndex, which costs
// O(the route's own paths): no pairwise comparison. Prints the figure and whether it is within the 10 s budget.
// BENCH_BASELINE=1 first times the same number of bare ComponentResource + Ingress pairs (no checks, no dialect):
// Pulumi's own cost per route on this machine right now, for comparison on a loaded machine.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { settle } from "../tests/helpers/outputs";
import { installMocks, Types, type MockState } from "../tests/helpers/pulumi-mocks";

// Pulumi captures a stack trace for every promise it creates (runtime/debuggable.js) and every resource it
// registers; under tsx each trace is source-mapped, which triples its cost and is neither the components' work nor
// what compiled JavaScript pays. The bench turns source maps off unless BENCH_SOURCE_MAPS=1.
const SOURCE_MAPS = process.env.BENCH_SOURCE_MAPS === "1";
if (!SOURCE_MAPS) process.setSourceMapsEnabled(false);

const ROUTES = Number(process.env.ROUTES ?? 1000);
const BUDGET_MS = 10_000;

async function untilRegistered(mocks: MockState, type: string, count: number): Promise<void> {
  while (mocks.ofType(type).length < count) await settle(20);
}

class Bare extends pulumi.ComponentResource {
  constructor(name: string) {
    super("bench:index:Bare", name, {});
  }
  finish(outputs: pulumi.Inputs): void {
    this.registerOutputs(outputs);
  }
}

/** Pulumi alone: a component and an Ingress of the same shape per route, nothing checked. */
async function baseline(mocks: MockState): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < ROUTES; i++) {
    const parent = new Bare(`bare-${i}`);
    const ingress = new k8s.networking.v1.Ingress(
      `bare-${i}`,
      {
        metadata: { namespace: "default", annotations: { "pulumi.com/skipAwait": "true" } },
        spec: {
          ingressClassName: "baseline",
          rules: [
            {
              host: `host-${i}.example.com`,
              http: {
                paths: [
                  {
                    path: "/",
                    pathType: "Prefix",
                    backend: { service: { name: `svc-${i}`, port: { number: 80 } } },
                  },
                  {
                    path: "/admin",
                    pathType: "Exact",
                    backend: { service: { name: `admin-${i}`, port: { number: 8080 } } },
                  },
                ],
              },
            },
          ],
        },
      },
      { parent },
    );
    parent.finish({ ingress });
  }
  await untilRegistered(mocks, Types.ingress, ROUTES);
  const total = performance.now() - started;
  mocks.reset();
  return total;
}

async function main(): Promise<void> {
  const mocks = await installMocks({ preview: true });
  const floor = process.env.BENCH_BASELINE === "1" ? await baseline(mocks) : undefined;
  const { IngressGateway, HostRoute } = await import("../sdk/index.js");
  const gateway = new IngressGateway("public", { controller: "builtin" });

  const started = performance.now();
  for (let i = 0; i < ROUTES; i++) {
    // Half the routes share one host with distinct paths, so the index holds many paths per host too.
    const shared = i % 2 === 0;
    new HostRoute(`route-${i}`, {
      gateway,
      host: shared ? "shop.example.com" : `host-${i}.example.com`,
      paths: [
        { path: shared ? `/svc-${i}` : "/", service: { name: `svc-${i}`, port: 80 } },
        {
          path: shared ? `/svc-${i}/admin` : "/admin",
          pathType: "Exact",
          service: { name: `admin-${i}`, port: 8080 },
        },
      ],
      sslRedirect: true,
      timeouts: { read: 30 },
    });
  }
  const constructed = performance.now() - started;
  await untilRegistered(mocks, Types.ingress, ROUTES);
  const total = performance.now() - started;

  if (floor !== undefined) {
    console.log(
      `baseline: ${ROUTES} bare component + Ingress pairs (no checks): ${(floor / 1000).toFixed(2)} s`,
    );
  }
  console.log(
    `${ROUTES} HostRoutes on one gateway: ${(constructed / 1000).toFixed(2)} s to construct and check, ` +
      `${(total / 1000).toFixed(2)} s until every Ingress is registered ` +
      `(${(total / ROUTES).toFixed(2)} ms per route; budget ${BUDGET_MS / 1000} s; ` +
      `source-mapped stack traces ${SOURCE_MAPS ? "on" : "off"})`,
  );
  console.log(
    total > BUDGET_MS ? "over budget (a loaded machine? compare BENCH_BASELINE=1)" : "within budget",
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
