// npm run bench:proxy [-- --duration 4 --connections 64 --workers 1,2 --only plain,tls --bodies small,16k
//                        --clients keepalive,new --proxies nginx,haproxy,controller,controller-node --json]
// npm run bench:proxy -- --ingresses 10000
//
// Requests/s and latency of the bundled controller beside NGINX and HAProxy on this machine, same routes, same
// upstreams, in one run, all on the loopback; not in CI; Linux only (/proc, 127.0.0.2). The routes: three hosts
// (shop/api/www.example.com) with Prefix paths `/` and `/api`, to two upstream endpoints on 127.0.0.1 and
// 127.0.0.2 (a separate NGINX with one worker, or Node when nginx is missing) that answer with their names, or
// with a 16 KiB body on `/big`. The proxies under test, each on its own 127.0.0.1 ports, plain HTTP and TLS (one
// self-signed ECDSA certificate from the repository's issuer), each checked to serve the same routes first:
// NGINX with `worker_processes` 1 and 2 (`auto` on 2 cores), HAProxy with `nbthread` 1 and 2, and
// `ingress-kit controller --manifests` with `--workers` 1 and 2 (the certificate as a kubernetes.io/tls Secret
// named by the Ingresses' `spec.tls`; compiled by tsc into the temp folder and run by node, as in production),
// plus the same with `--http-engine node` when the controller's `--help` lists that flag. All are started first
// and stay idle until their turn; the rows are interleaved so that each ratio compares runs seconds apart.
//
// Load comes from wrk, for each of plain/TLS × small/16 KiB body × keep-alive/new connection (`Connection:
// close`) × proxy: a 1 s warm-up, then 4 s measured, 64 connections, 1 thread (on 2 cores, 1 and 2 threads gave
// the same figures within the machine's noise; 1 leaves more of the second core to the proxy and the
// upstream). The table gives requests/s, p50 and p99 (wrk's --latency distribution, from writing a request to
// its response: connection set-up shows only in the new-connection rows' requests/s), errors (non-2xx and
// socket errors: a row with errors says so), and each row's ratio to NGINX with the same worker count, same
// transport, body and client, measured in the same run. Over TLS wrk negotiates TLS 1.2 and resumes its session
// on new connections; the report says which proxies resume. The machine may be shared (the header gives the
// load average at the start and the end): read the ratios, not the absolute figures, and rerun before quoting
// one. A default full run takes about 4-6 minutes.
//
// `--ingresses N` is the second mode: N generated Ingresses (app-<i>.example.com, each with its own Service and
// EndpointSlice, 500 per file) against the small table, per worker count: time to ready, resident memory of the
// controller's processes (VmRSS of the primary and its cluster workers), requests/s to one host of the table;
// and with the first worker count, the time from writing one new Ingress into the manifests to its host
// answering (the file source's and the snapshot builder's debounces included), with the snapshot compile time
// from the controller's metrics.
//
// It installs nothing: when nginx, haproxy or wrk is missing it says how to get them on Debian
// (`apt-get install -y nginx-light haproxy wrk`) and skips what needs them. Every process it starts runs in a
// process group of its own and is stopped by that id on exit, on SIGINT/SIGTERM/SIGHUP and on errors; the temp
// folder is removed.
import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeCertificate } from "./proxy/certificate";
import type { BenchSetup } from "./proxy/bench-setup";
import { controllerFeatures, controllerVersion } from "./proxy/controller";
import { buildController } from "./proxy/controller-build";
import { runLargeTable } from "./proxy/large-table";
import { describeMachine, loadAverage } from "./proxy/machine";
import { OptionsError, parseOptions, USAGE } from "./proxy/options";
import { installCleanup, removeOnExit, stopEverything } from "./proxy/processes";
import { largeTableMarkdown, sideBySideMarkdown, toJson, type RunContext } from "./proxy/report";
import { HOSTS } from "./proxy/routes";
import { runSideBySide } from "./proxy/side-by-side";
import { findTools, missingToolsMessage } from "./proxy/tools";
import { startUpstreams } from "./proxy/upstreams";

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    log(`bench:proxy: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (options.connections < options.threads) {
    log("bench:proxy: --connections must be at least --threads");
    return 2;
  }
  installCleanup();
  const tools = findTools();
  const missing = missingToolsMessage(tools);
  if (missing !== null) log(missing);
  const wrk = tools.wrk;
  if (wrk === null) return 1;

  const machine = describeMachine();
  const loadAtStart = loadAverage();
  const dir = mkdtempSync(join(tmpdir(), "ingress-kit-bench-"));
  removeOnExit(dir);
  chmodSync(dir, 0o755); // NGINX's workers (user nobody when started as root) read the 16 KiB bodies in it
  log(`temp folder ${dir}`);
  const entry = buildController(dir, log);
  const features = controllerFeatures(entry);
  const notes: string[] = [`the controller is ${entry.description}.`];
  if (missing !== null) notes.push(missing);
  if (options.ingresses === null && options.proxies.includes("controller-node") && !features.httpEngineFlag) {
    notes.push("the controller's --help lists no --http-engine flag: no rows for the node:http engine.");
  }
  const upstreams = await startUpstreams(tools.nginx, dir);
  const setup: BenchSetup = {
    options,
    dir,
    tools,
    wrk,
    upstreams,
    certificate: writeCertificate(dir, HOSTS),
    controller: { entry, features },
    log,
  };
  let output: string;
  try {
    const sideBySide = options.ingresses === null ? await runSideBySide(setup) : undefined;
    const largeTable = options.ingresses === null ? undefined : await runLargeTable(setup, options.ingresses);
    const context: RunContext = {
      machine,
      loadAtStart,
      loadAtEnd: loadAverage(),
      versions: { ...tools.versions, controller: controllerVersion() },
      upstreams: upstreams.description,
      options,
      notes,
    };
    if (options.json) output = toJson(context, { sideBySide, largeTable });
    else if (sideBySide) output = sideBySideMarkdown(context, sideBySide);
    else output = largeTableMarkdown(context, largeTable!);
  } finally {
    await upstreams.close();
  }
  process.stdout.write(`\n${output}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    stopEverything();
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`bench:proxy failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    stopEverything();
    process.exitCode = 1;
  },
);
