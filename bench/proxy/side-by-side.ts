// The first mode: every proxy under test (each worker count) started at once on its own ports, idle until its
// turn, then measured row by row. Rows are interleaved (for each transport, body and client: NGINX, HAProxy,
// the controller, in turn, for each worker count) so that a ratio compares runs a few seconds apart, not
// minutes apart on a machine whose load drifts.
import { join } from "node:path";
import type { BenchSetup } from "./bench-setup";
import { startBenchController } from "./controller";
import { startHaproxy } from "./haproxy";
import { freePort } from "./http-client";
import { writeRoutesManifests } from "./manifests";
import { startNginxProxy } from "./nginx";
import type { Transport } from "./options";
import type { ProxyKind, ProxyUnderTest } from "./proxy-under-test";
import { checkRoutes, tlsResumptions } from "./route-check";
import { LOAD_HOST, pathFor, type BodySize } from "./routes";
import { errorSummary, runWrk, type ClientKind, type LoadSettings, type WrkResult } from "./wrk";

export interface Row {
  readonly transport: Transport;
  readonly body: BodySize;
  readonly client: ClientKind;
  readonly kind: ProxyKind;
  readonly label: string;
  readonly workers: number;
  readonly workerNoun: "workers" | "threads";
  /** null when the proxy was not measured (see `note`). */
  readonly result: WrkResult | null;
  readonly errors: string;
  /** Against NGINX with the same worker count, same transport, body and client; null without that row. */
  readonly vsNginx: { readonly requestsPerSecond: number; readonly p99: number } | null;
  readonly note: string;
}

export interface SideBySide {
  readonly rows: readonly Row[];
  /** Proxies that could not start or failed the routes check, and why. */
  readonly problems: readonly string[];
  /** Per proxy: TLS 1.2 reconnections that resumed the previous session (see tlsResumptions). */
  readonly tlsResumption: readonly { label: string; workers: number; resumed: number; attempts: number }[];
}

async function startProxies(setup: BenchSetup, problems: string[]): Promise<ProxyUnderTest[]> {
  const { options, tools, dir, upstreams, certificate, log } = setup;
  const manifests = join(dir, "manifests");
  writeRoutesManifests(manifests, upstreams.endpoints, certificate);
  const proxies: ProxyUnderTest[] = [];
  const ports = async () => ({ plain: await freePort(), tls: await freePort() });
  for (const kind of options.proxies) {
    for (const workers of options.workers) {
      const name = `${kind} ×${workers}`;
      try {
        if (kind === "nginx") {
          if (tools.nginx === null) continue;
          proxies.push(
            await startNginxProxy({
              nginx: tools.nginx,
              dir,
              workers,
              ports: await ports(),
              upstreams: upstreams.endpoints,
              certificate,
            }),
          );
        } else if (kind === "haproxy") {
          if (tools.haproxy === null) continue;
          proxies.push(
            await startHaproxy({
              haproxy: tools.haproxy,
              dir,
              threads: workers,
              ports: await ports(),
              upstreams: upstreams.endpoints,
              certificate,
            }),
          );
        } else {
          const engine = kind === "controller-node" ? "node" : null;
          if (engine !== null && !setup.controller.features.httpEngineFlag) continue;
          const controller = await startBenchController({
            entry: setup.controller.entry,
            dir,
            name: `${kind}-${workers}`,
            manifests,
            workers,
            engine,
            ports: { ...(await ports()), health: await freePort() },
            firstRoute: { host: LOAD_HOST, path: "/" },
          });
          proxies.push(controller);
          log(`${name}: ready in ${Math.round(controller.readyMs)} ms`);
        }
      } catch (error) {
        problems.push(`${name} did not start: ${(error as Error).message}`);
        log(problems.at(-1)!);
      }
    }
  }
  return proxies;
}

export async function runSideBySide(setup: BenchSetup): Promise<SideBySide> {
  const { options, dir, log } = setup;
  const problems: string[] = [];
  const proxies = await startProxies(setup, problems);
  const failed = new Map<ProxyUnderTest, string>();
  const tlsResumption: SideBySide["tlsResumption"][number][] = [];
  try {
    for (const proxy of proxies) {
      const problem = await checkRoutes(proxy.ports, options.transports);
      if (problem !== null) {
        failed.set(proxy, `routes check failed: ${problem}`);
        problems.push(`${proxy.label} ×${proxy.workers}: routes check failed: ${problem}`);
        log(problems.at(-1)!);
      } else if (options.transports.includes("tls")) {
        const attempts = 10;
        const resumed = await tlsResumptions(proxy.ports.tls, LOAD_HOST, attempts);
        tlsResumption.push({ label: proxy.label, workers: proxy.workers, resumed, attempts });
      }
    }
    const settings: LoadSettings = {
      wrk: setup.wrk,
      dir,
      threads: options.threads,
      connections: options.connections,
      timeoutSeconds: options.timeoutSeconds,
    };
    const measured: Omit<Row, "vsNginx">[] = [];
    const total = options.transports.length * options.bodies.length * options.clients.length * proxies.length;
    for (const transport of options.transports) {
      for (const body of options.bodies) {
        for (const client of options.clients) {
          for (const workers of options.workers) {
            for (const proxy of proxies.filter((p) => p.workers === workers)) {
              const base = {
                transport,
                body,
                client,
                kind: proxy.kind,
                label: proxy.label,
                workers,
                workerNoun: proxy.workerNoun,
              };
              const why = failed.get(proxy);
              if (why !== undefined) {
                measured.push({ ...base, result: null, errors: "", note: why });
                continue;
              }
              const target = {
                port: transport === "tls" ? proxy.ports.tls : proxy.ports.plain,
                tls: transport === "tls",
                host: LOAD_HOST,
                path: pathFor(body),
                client,
              };
              if (options.warmupSeconds > 0) await runWrk(settings, target, options.warmupSeconds);
              const result = await runWrk(settings, target, options.seconds);
              const errors = errorSummary(result);
              measured.push({ ...base, result, errors, note: "" });
              log(
                `[${measured.length}/${total}] ${transport} ${body} ${client} ${proxy.label} ×${workers}: ` +
                  `${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, ` +
                  `p99 ${result.p99Ms.toFixed(2)} ms${errors === "" ? "" : `, ERRORS: ${errors}`}`,
              );
            }
          }
        }
      }
    }
    return { rows: withRatios(measured), problems, tlsResumption };
  } finally {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
  }
}

function withRatios(rows: readonly Omit<Row, "vsNginx">[]): Row[] {
  return rows.map((row) => {
    const nginx = rows.find(
      (other) =>
        other.kind === "nginx" &&
        other.workers === row.workers &&
        other.transport === row.transport &&
        other.body === row.body &&
        other.client === row.client,
    )?.result;
    const ok = nginx && row.result && nginx.failure === null && row.result.failure === null;
    return {
      ...row,
      vsNginx: ok
        ? {
            requestsPerSecond: row.result!.requestsPerSecond / nginx.requestsPerSecond,
            p99: row.result!.p99Ms / nginx.p99Ms,
          }
        : null,
    };
  });
}
