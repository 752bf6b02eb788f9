// HAProxy as a proxy under test: the benchmark routes (routes.ts) as host and path ACLs with a 404 for unknown
// hosts, plain HTTP and TLS (`ssl crt` with a combined PEM, TLS 1.2+), `option http-keep-alive` and
// `http-reuse always` towards the upstreams, and the forwarded headers the controller adds. One process in the
// foreground (-db) with `nbthread` = the row's worker count.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CertificateFiles } from "./certificate";
import { startProcess, stopProcess, untilServing } from "./processes";
import type { ProxyUnderTest } from "./proxy-under-test";
import { HOSTS, type Endpoint } from "./routes";

function haproxyConfig(
  threads: number,
  ports: { plain: number; tls: number },
  upstreams: readonly Endpoint[],
  certificate: CertificateFiles,
): string {
  const servers = upstreams.map(({ address, port }, i) => `  server u${i + 1} ${address}:${port}`).join("\n");
  return `global
  nbthread ${threads}
  ssl-default-bind-options ssl-min-ver TLSv1.2

defaults
  mode http
  maxconn 4000
  timeout connect 5s
  timeout client 65s
  timeout server 65s
  timeout http-keep-alive 65s
  option http-keep-alive
  http-reuse always

frontend bench
  bind 127.0.0.1:${ports.plain} backlog 4096
  bind 127.0.0.1:${ports.tls} ssl crt ${certificate.combinedFile} alpn http/1.1 backlog 4096
  unique-id-format %{+X}o%ci:%cp_%fi:%fp_%Ts_%rt:%pid
  http-request set-var(txn.host) req.hdr(host),field(1,:),lower
  acl known_host var(txn.host) -m str ${HOSTS.join(" ")}
  acl api path /api
  acl api path_beg /api/
  http-request return status 404 content-type text/plain string "not found" if !known_host
  option forwardfor
  http-request set-header X-Forwarded-Proto https if { ssl_fc }
  http-request set-header X-Forwarded-Proto http if !{ ssl_fc }
  http-request set-header X-Forwarded-Host %[var(txn.host)]
  http-request set-header X-Forwarded-Port %[dst_port]
  http-request set-header X-Request-Id %[unique-id]
  use_backend web_api if api
  default_backend web

backend web
  balance roundrobin
${servers}

backend web_api
  balance roundrobin
${servers}
`;
}

export async function startHaproxy(options: {
  haproxy: string;
  dir: string;
  threads: number;
  ports: { plain: number; tls: number };
  upstreams: readonly Endpoint[];
  certificate: CertificateFiles;
}): Promise<ProxyUnderTest> {
  const { dir, threads } = options;
  const name = `haproxy-${threads}`;
  const config = join(dir, `${name}.cfg`);
  writeFileSync(config, haproxyConfig(threads, options.ports, options.upstreams, options.certificate));
  const started = startProcess(name, options.haproxy, ["-db", "-f", config], {
    logFile: join(dir, `${name}.out`),
  });
  await untilServing(started, options.ports.plain, "haproxy");
  return {
    kind: "haproxy",
    label: "HAProxy",
    workers: threads,
    workerNoun: "threads",
    ports: options.ports,
    pid: started.pid,
    stop: () => stopProcess(started),
  };
}
