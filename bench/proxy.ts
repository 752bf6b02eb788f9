// npm run bench:proxy [-- --duration 10 --connections 64 --workers 1,2]
//
// Requests/s and latency of the bundled controller beside NGINX on this machine, same routes, same upstreams,
// all on 127.0.0.1. The upstreams are two endpoints served by a separate NGINX (or by Node when NGINX is
// missing) answering with their names; the proxies under test are NGINX (reverse proxy, upstream keepalive) and
// `ingress-kit controller --manifests` with 1 and 2 workers. Load comes from wrk when installed, else from an
// in-process Node client (which then competes for the same cores: figures are lower and not comparable to wrk).
// Installs nothing: on Debian, `apt-get install -y nginx-light wrk`. Everything started is stopped by pid.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const ROOT = join(__dirname, "..");

// `tsx bench/proxy.ts --run-controller ...` runs the controller itself, so cluster workers can re-run this file.
if (process.argv[2] === "--run-controller") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runControllerCommand } = require("../sdk/cli/controller") as typeof import("../sdk/cli/controller");
  runControllerCommand(process.argv.slice(3)).then((code) => process.exit(code));
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

interface Result {
  name: string;
  rps: number;
  p50ms: number;
  p99ms: number;
  errors: number;
}

const HOSTS = ["shop.example.com", "api.example.com", "www.example.com"];

function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, path = "/", host = "localhost", timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: "127.0.0.1", port, path, headers: { host }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode !== undefined && res.statusCode < 500);
      });
      req.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) {
      throw new Error(`nothing answered on 127.0.0.1:${port} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const started: ChildProcess[] = [];

function stopAll(): void {
  for (const child of started) {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  }
}

function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env });
  started.push(child);
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = once(child, "exit");
  process.kill(child.pid, "SIGTERM");
  const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

function nginxUpstreamConfig(dir: string, ports: number[]): string {
  return `worker_processes 1;
daemon off;
pid ${dir}/upstream.pid;
error_log ${dir}/upstream-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
${ports.map((port, i) => `  server { listen 127.0.0.1:${port}; location / { default_type text/plain; return 200 "upstream-${i + 1}\\n"; } }`).join("\n")}
}
`;
}

function nginxProxyConfig(dir: string, port: number, upstreams: number[], workers: string): string {
  return `worker_processes ${workers};
daemon off;
pid ${dir}/proxy.pid;
error_log ${dir}/proxy-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  upstream backend { ${upstreams.map((p) => `server 127.0.0.1:${p};`).join(" ")} keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    server_name ${HOSTS.join(" ")};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Request-Id $request_id;
    }
    location /api/ { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`;
}

function manifests(upstreams: number[]): string {
  const docs: string[] = [
    `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: bench }
spec: { controller: ingress-kit.dev/controller }`,
    `apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec: { ports: [{ name: http, port: 80 }] }`,
  ];
  upstreams.forEach((port, i) =>
    docs.push(`apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: web-${i}, namespace: default, labels: { kubernetes.io/service-name: web } }
addressType: IPv4
ports: [{ name: http, port: ${port} }]
endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready: true } }]`),
  );
  HOSTS.forEach((host, i) =>
    docs.push(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: bench-${i}, namespace: default }
spec:
  ingressClassName: bench
  rules:
    - host: ${host}
      http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }
          - { path: /api, pathType: Prefix, backend: { service: { name: web, port: { name: http } } } }`),
  );
  return docs.join("\n---\n") + "\n";
}

/** wrk's summary: requests/s and the latency percentiles it prints with --latency. */
function runWrk(port: number, host: string, seconds: number, connections: number): Omit<Result, "name"> {
  const threads = Math.max(1, Math.min(2, availableParallelism()));
  const out = spawnSync(
    "wrk",
    [
      `-t${threads}`,
      `-c${connections}`,
      `-d${seconds}s`,
      "--latency",
      "-H",
      `Host: ${host}`,
      `http://127.0.0.1:${port}/`,
    ],
    { encoding: "utf8" },
  );
  const text = out.stdout;
  const ms = (label: string): number => {
    const match = new RegExp(`\\s${label}%\\s+([\\d.]+)(us|ms|s)`).exec(text);
    if (!match) return NaN;
    const value = Number(match[1]);
    return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const errors =
    Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0) +
    [...text.matchAll(/(connect|read|write|timeout) (\d+)/g)].reduce((sum, m) => sum + Number(m[2]), 0);
  return { rps, p50ms: ms("50"), p99ms: ms("99"), errors };
}

/** A keep-alive Node client, for machines without wrk. */
async function runNodeLoad(
  port: number,
  host: string,
  seconds: number,
  connections: number,
): Promise<Omit<Result, "name">> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      const start = process.hrtime.bigint();
      await new Promise<void>((resolve) => {
        const req = http.get({ host: "127.0.0.1", port, path: "/", headers: { host }, agent }, (res) => {
          if (res.statusCode !== 200) errors++;
          res.resume();
          res.on("end", () => {
            latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
            resolve();
          });
        });
        req.on("error", () => {
          errors++;
          resolve();
        });
      });
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (Date.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / elapsed, p50ms: at(0.5), p99ms: at(0.99), errors };
}

async function startNodeUpstreams(count: number): Promise<{ ports: number[]; close: () => Promise<void> }> {
  const servers = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const body = `upstream-${i + 1}\n`;
      const server = http.createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
        res.end(body);
      });
      server.keepAliveTimeout = 60_000;
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      return server;
    }),
  );
  return {
    ports: servers.map((s) => (s.address() as AddressInfo).port),
    close: async () => {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "10" },
      connections: { type: "string", default: "64" },
      workers: { type: "string", default: "1,2" },
    },
  });
  const seconds = Math.max(1, Math.min(120, Number(values.duration)));
  const connections = Math.max(1, Math.min(1024, Number(values.connections)));
  const workerCounts = values.workers!.split(",").map((w) => w.trim());
  const haveNginx = has("nginx");
  const haveWrk = has("wrk");
  if (!haveNginx || !haveWrk) {
    console.log(
      `Missing ${[!haveNginx && "nginx", !haveWrk && "wrk"].filter(Boolean).join(" and ")}: on Debian/Ubuntu run ` +
        "`sudo apt-get install -y nginx-light wrk` for the side-by-side figure." +
        (haveWrk
          ? ""
          : " Measuring with the in-process Node client instead (lower figures; compare only with each other)."),
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "ingress-kit-bench-"));
  const cleanup = (): void => {
    stopAll();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("SIGINT", () => {
    cleanup();
    process.exit(130);
  });

  const results: Result[] = [];
  const load = (port: number) =>
    haveWrk
      ? Promise.resolve(runWrk(port, HOSTS[0]!, seconds, connections))
      : runNodeLoad(port, HOSTS[0]!, seconds, connections);
  try {
    // Upstreams: two endpoints answering with their names.
    let upstreamPorts: number[];
    let closeUpstreams: () => Promise<void>;
    if (haveNginx) {
      upstreamPorts = [await freePort(), await freePort()];
      writeFileSync(join(dir, "upstream.conf"), nginxUpstreamConfig(dir, upstreamPorts));
      const nginx = startProcess("nginx", [
        "-p",
        dir,
        "-c",
        join(dir, "upstream.conf"),
        "-e",
        join(dir, "upstream-error.log"),
      ]);
      closeUpstreams = () => stopProcess(nginx);
      await waitForPort(upstreamPorts[0]!);
    } else {
      const node = await startNodeUpstreams(2);
      upstreamPorts = node.ports;
      closeUpstreams = node.close;
    }

    if (haveNginx) {
      const port = await freePort();
      writeFileSync(join(dir, "proxy.conf"), nginxProxyConfig(dir, port, upstreamPorts, "auto"));
      const nginx = startProcess("nginx", [
        "-p",
        dir,
        "-c",
        join(dir, "proxy.conf"),
        "-e",
        join(dir, "proxy-error.log"),
      ]);
      await waitForPort(port, "/", HOSTS[0]);
      results.push({
        name: `nginx ${spawnSync("nginx", ["-v"], { encoding: "utf8" }).stderr.trim().split("/")[1] ?? ""} (workers auto)`,
        ...(await load(port)),
      });
      await stopProcess(nginx);
    }

    const manifestDir = join(dir, "manifests");
    rmSync(manifestDir, { recursive: true, force: true });
    spawnSync("mkdir", ["-p", manifestDir]);
    writeFileSync(join(manifestDir, "routes.yaml"), manifests(upstreamPorts));
    for (const workers of workerCounts) {
      const [httpPort, httpsPort, healthPort] = [await freePort(), await freePort(), await freePort()];
      const controller = startProcess(
        process.execPath,
        [
          "--import",
          "tsx",
          join(ROOT, "bench/proxy.ts"),
          "--run-controller",
          "--ingress-class=bench",
          `--manifests=${manifestDir}`,
          "--listen=127.0.0.1",
          `--http-port=${httpPort}`,
          `--https-port=${httpsPort}`,
          `--health-port=${healthPort}`,
          `--workers=${workers}`,
          "--shutdown-timeout=2",
        ],
        { ...process.env, LOG_LEVEL: "warn", NODE_ENV: "production" },
      );
      await waitForPort(healthPort, "/readyz");
      await waitForPort(httpPort, "/", HOSTS[0]);
      results.push({ name: `ingress-kit controller (workers ${workers})`, ...(await load(httpPort)) });
      await stopProcess(controller);
    }
    await closeUpstreams();
  } finally {
    cleanup();
  }

  const nginx = results.find((r) => r.name.startsWith("nginx"));
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `\nplain HTTP/1.1, keep-alive, ${connections} connections, ${seconds} s each, small bodies; ` +
      `${haveWrk ? "wrk" : "Node client"}; ${availableParallelism()} cores (${cpu}); ${new Date().toISOString().slice(0, 10)}\n`,
  );
  console.log("| proxy | requests/s | p50 ms | p99 ms | errors | vs NGINX |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const r of results) {
    const ratio = nginx
      ? `${(r.rps / nginx.rps).toFixed(2)}x rps, ${(r.p99ms / nginx.p99ms).toFixed(2)}x p99`
      : "n/a";
    console.log(
      `| ${r.name} | ${Math.round(r.rps)} | ${r.p50ms.toFixed(2)} | ${r.p99ms.toFixed(2)} | ${r.errors} | ${ratio} |`,
    );
  }
}
