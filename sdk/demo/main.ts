// `npm run demo`: the whole idea on one machine, with no cluster and no Pulumi CLI. It renders the two-service
// example offline (validated as in `pulumi preview`), starts local backends for its pods, plays the cluster's
// part (EndpointSlices, TLS secrets from a local CA), runs the bundled controller in file mode on HTTP and HTTPS,
// sends live requests, and prints what answered. `--once` exits 0 only if every check passed.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { startController, type RunningController } from "../controller/controller";
import { createLogger } from "../controller/logger";
import { FileSource } from "../controller/sources/file-source";
import type { ServiceObject } from "../controller/sources/objects";
import type { IngressObject } from "../matcher";
import { runProgramOffline } from "../render/offline-engine";
import { renderObjects, type KubernetesObject } from "../render/rendered-objects";
import { loadPulumiProject } from "../render/pulumi-project";
import { issueCertificate } from "../x509/issue-certificate";
import { startDemoBackend, stopDemoBackends, type DemoBackend } from "./demo-backends";
import { endpointSlicesFor, tlsSecretsFor } from "./demo-cluster";
import { replicasSeen, runDemoRequests, type DemoRequest, type DemoResult } from "./demo-checks";
import { printCurlLines, printResults, type Printer } from "./demo-output";

const USAGE = `Usage: npm run demo -- [--once] [--http-port N] [--https-port N] [--health-port N] [--program DIR]

Renders the two-service example offline, serves it with the bundled controller on 127.0.0.1, and shows live
requests: routing by host, round robin across replicas, TLS from a local CA, the HTTPS redirect and a 404.

  --once            run the checks, print them, and exit (0 only if every check passed)
  --http-port N     HTTP listener (default 8080; 0 picks a free port)
  --https-port N    HTTPS listener (default 8443)
  --health-port N   /healthz, /readyz and /metrics (default 10254)
  --program DIR     the Pulumi program to serve (default examples/01-two-services)`;

const DEFAULT_PROGRAM = resolve(__dirname, "..", "..", "examples", "01-two-services");

/** Exit codes: 0 every check passed, 1 a check failed or the program failed, 2 bad usage or a busy port. */
export async function runDemo(
  argv: string[],
  out: Printer = (line) => process.stdout.write(line + "\n"),
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        once: { type: "boolean", default: false },
        "http-port": { type: "string", default: "8080" },
        "https-port": { type: "string", default: "8443" },
        "health-port": { type: "string", default: "10254" },
        program: { type: "string", default: DEFAULT_PROGRAM },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    out(`demo: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const ports = {
    http: Number(values["http-port"]),
    https: Number(values["https-port"]),
    health: Number(values["health-port"]),
  };
  for (const [name, port] of Object.entries(ports)) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      out(
        `demo: --${name}-port must be a port number from 0 to 65535, got ${JSON.stringify(values[`${name}-port` as "http-port"])}`,
      );
      return 2;
    }
  }

  // 1. The program, rendered offline with the bundled controller as its gateway.
  out(`▸ rendering ${values.program} offline (controller=builtin), validated as in pulumi preview`);
  const project = loadPulumiProject(values.program);
  const run = await runProgramOffline(project, {
    stack: "demo",
    config: { [`${project.name}:controller`]: "builtin" },
    generateNames: true,
  });
  for (const warning of run.warnings) out(`  warning: ${warning}`);
  if (run.errors.length > 0) {
    for (const error of run.errors) out(`  error: ${error}`);
    return 1;
  }
  const { objects } = renderObjects(run.resources, { generateNames: true });
  const ingresses = objects.filter((o) => o.kind === "Ingress") as unknown as IngressObject[];
  const ingressClass = ingresses[0]?.spec?.ingressClassName;
  if (!ingressClass || ingresses.length === 0) {
    out("  error: the program creates no Ingress with an ingressClassName; nothing to serve");
    return 1;
  }
  const services = objects.filter((o) => o.kind === "Service") as unknown as ServiceObject[];
  out(
    `  ${ingresses.length} Ingress(es) on class "${ingressClass}": ${ingresses.flatMap((i) => i.spec?.rules?.map((r) => r.host) ?? []).join(", ")}`,
  );

  // 2. The pods: one local backend per replica of every Deployment an Ingress routes to.
  const backends: DemoBackend[] = [];
  for (const { namespace, name, replicas } of routedDeployments(objects, ingresses)) {
    for (let i = 0; i < replicas; i++) backends.push(await startDemoBackend(namespace, name, i));
  }
  out(
    `▸ started ${backends.length} local backend(s): ${backends.map((b) => `${b.replica} on 127.0.0.1:${b.port}`).join(", ")}`,
  );

  // 3. What the cluster would add: EndpointSlices for the backends, TLS secrets from a local CA.
  const workDir = mkdtempSync(join(tmpdir(), "ingress-kit-demo-"));
  const ca = issueCertificate({
    subject: { commonName: "Ingress Kit demo CA", organization: "Ingress Kit demo" },
    isCertificateAuthority: true,
    days: 30,
  });
  const caFile = join(workDir, "demo-ca.crt");
  writeFileSync(caFile, ca.cert);
  const secrets = tlsSecretsFor(ingresses, ca);
  const manifests = [...objects, ...endpointSlicesFor(backends, services), ...secrets];
  writeFileSync(join(workDir, "cluster.yaml"), manifests.map((m) => stringify(m)).join("---\n"));
  out(
    `▸ wrote ${manifests.length} objects to ${join(workDir, "cluster.yaml")} (${secrets.length} TLS secret(s) signed by a local CA: ${caFile})`,
  );

  // 4. The bundled controller in file mode.
  let controller: RunningController;
  try {
    controller = await startController({
      source: new FileSource({
        path: workDir,
        logger: createLogger({ level: "warn", destination: process.stderr }),
      }),
      ingressClass,
      logger: createLogger({ level: "warn", destination: process.stderr }),
      host: "127.0.0.1",
      httpPort: ports.http,
      httpsPort: ports.https,
      healthPort: ports.health,
      shutdownTimeoutMs: 2_000,
    });
  } catch (error) {
    await stopDemoBackends(backends);
    rmSync(workDir, { recursive: true, force: true });
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE") {
      const port = (error as { port?: number }).port;
      out(
        `demo: port ${port ?? "?"} is already in use on 127.0.0.1: stop what holds it, or pick others with --http-port, --https-port and --health-port (0 picks a free port)`,
      );
      return 2;
    }
    throw error;
  }
  out(
    `▸ controller serving http://127.0.0.1:${controller.httpPort} and https://127.0.0.1:${controller.httpsPort} (health on :${controller.healthPort})`,
  );

  // 5. Live requests.
  const requests = demoRequests(ingresses, backends);
  const results = await runDemoRequests(
    { httpPort: controller.httpPort!, httpsPort: controller.httpsPort!, caCertificate: ca.cert },
    requests,
  );
  const roundRobin = roundRobinCheck(results, backends);
  printResults(out, results, roundRobin);
  printCurlLines(out, {
    httpPort: controller.httpPort!,
    httpsPort: controller.httpsPort!,
    caFile,
    hosts: [...new Set(requests.filter((r) => r.expectService).map((r) => r.host))],
  });
  const passed = results.every((r) => r.ok) && roundRobin.every((r) => r.ok);

  const stop = async () => {
    await controller.shutdown();
    await stopDemoBackends(backends);
    rmSync(workDir, { recursive: true, force: true });
  };
  if (values.once) {
    await stop();
    out(passed ? "✔ every check passed" : "✖ some checks failed");
    return passed ? 0 : 1;
  }
  out("serving until Ctrl-C …");
  await new Promise<void>((resolveStop) => {
    process.once("SIGINT", () => resolveStop());
    process.once("SIGTERM", () => resolveStop());
  });
  await stop();
  return passed ? 0 : 1;
}

/** The Deployments behind the Ingresses' Services (same name, as the example writes them) and their replicas. */
function routedDeployments(objects: readonly KubernetesObject[], ingresses: readonly IngressObject[]) {
  const routed = new Set<string>();
  for (const ingress of ingresses) {
    const namespace = ingress.metadata?.namespace ?? "default";
    for (const rule of ingress.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        if (path.backend?.service?.name) routed.add(`${namespace}/${path.backend.service.name}`);
      }
    }
  }
  return objects
    .filter(
      (o) =>
        o.kind === "Deployment" &&
        routed.has(`${String(o.metadata.namespace ?? "default")}/${String(o.metadata.name)}`),
    )
    .map((o) => ({
      namespace: String(o.metadata.namespace ?? "default"),
      name: String(o.metadata.name),
      replicas: Number((o.spec as { replicas?: number } | undefined)?.replicas ?? 1),
    }));
}

function demoRequests(ingresses: readonly IngressObject[], backends: readonly DemoBackend[]): DemoRequest[] {
  const requests: DemoRequest[] = [];
  for (const ingress of ingresses) {
    for (const rule of ingress.spec?.rules ?? []) {
      const service = rule.http?.paths?.[0]?.backend?.service?.name ?? null;
      if (!rule.host || !service) continue;
      const host = rule.host;
      const tls = (ingress.spec?.tls ?? []).some((t) => t.hosts?.includes(host));
      const scheme = tls ? "https" : "http";
      const shows = `routing by host${tls ? ", TLS" : ""}`;
      requests.push({ scheme, host, path: "/", shows, expectStatus: 200, expectService: service });
      // One more request per further replica: round robin answers each from a different one.
      const replicas = backends.filter((b) => b.service === service).length;
      for (let i = 1; i < replicas; i++) {
        requests.push({
          scheme,
          host,
          path: "/",
          shows: "round robin",
          expectStatus: 200,
          expectService: service,
        });
      }
      if (tls) {
        requests.push({
          scheme: "http",
          host,
          path: "/",
          shows: "redirect to HTTPS",
          expectStatus: 308,
          expectService: null,
        });
      }
    }
  }
  requests.push({
    scheme: "https",
    host: "unknown.example.org",
    path: "/",
    shows: "unknown host",
    expectStatus: 404,
    expectService: null,
  });
  return requests;
}

function roundRobinCheck(results: readonly DemoResult[], backends: readonly DemoBackend[]) {
  const services = [...new Set(backends.map((b) => b.service))];
  return services
    .filter((service) => backends.filter((b) => b.service === service).length > 1)
    .map((service) => {
      const expected = backends
        .filter((b) => b.service === service)
        .map((b) => b.replica)
        .sort();
      const seen = replicasSeen(results, service);
      return { service, expected, seen, ok: expected.every((r) => seen.includes(r)) };
    });
}

if (require.main === module) {
  runDemo(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
