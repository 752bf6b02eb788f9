// NGINX as a proxy under test: the benchmark routes (routes.ts) in one `server` for the three hosts and a default
// server answering 404, plain HTTP and TLS (TLS 1.2-1.3, `ssl_session_cache`), upstream keepalive, and the
// forwarded headers the controller adds (X-Forwarded-For/-Proto/-Host/-Port, X-Request-Id), so both do the same
// work per request. `worker_processes` is the row's worker count.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CertificateFiles } from "./certificate";
import { startProcess, stopProcess, untilServing } from "./processes";
import type { ProxyUnderTest } from "./proxy-under-test";
import { HOSTS, PREFIXES, type Endpoint } from "./routes";

/** The main context: foreground, files in the temp folder. */
export function nginxMain(dir: string, name: string, workers: number): string {
  return `worker_processes ${workers};
worker_rlimit_nofile 65536;
daemon off;
pid ${dir}/${name}.pid;
error_log ${dir}/${name}.log warn;
events { worker_connections 16384; multi_accept on; }`;
}

/** `http` settings shared by the upstreams and the proxies: no access log, temp paths in the temp folder. */
export function nginxCommonHttp(dir: string): string {
  return `  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 65s;`;
}

function nginxProxyConfig(
  dir: string,
  name: string,
  workers: number,
  ports: { plain: number; tls: number },
  upstreams: readonly Endpoint[],
  certificate: CertificateFiles,
): string {
  // Listen options (backlog) may appear once per address: on the default server.
  const listen = (options: string): string => `    listen 127.0.0.1:${ports.plain}${options};
    listen 127.0.0.1:${ports.tls} ssl${options};
    ssl_certificate ${certificate.certFile};
    ssl_certificate_key ${certificate.keyFile};`;
  // NGINX's prefix "/api" also matches "/api2", which a Kubernetes Prefix path does not; no load goes there.
  const locations = PREFIXES.map((prefix) => `    location ${prefix} { proxy_pass http://web; }`);
  return `${nginxMain(dir, name, workers)}
http {
${nginxCommonHttp(dir)}
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:SSL:10m;
  ssl_session_timeout 10m;
  upstream web {
${upstreams.map(({ address, port }) => `    server ${address}:${port};`).join("\n")}
    keepalive 128;
  }
  server {
${listen(" default_server backlog=4096")}
    return 404;
  }
  server {
${listen("")}
    server_name ${HOSTS.join(" ")};
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header X-Forwarded-Host $host;
    proxy_set_header X-Forwarded-Port $server_port;
    proxy_set_header X-Request-Id $request_id;
${locations.join("\n")}
  }
}
`;
}

export async function startNginxProxy(options: {
  nginx: string;
  dir: string;
  workers: number;
  ports: { plain: number; tls: number };
  upstreams: readonly Endpoint[];
  certificate: CertificateFiles;
}): Promise<ProxyUnderTest> {
  const { dir, workers } = options;
  const name = `nginx-${workers}`;
  const config = join(dir, `${name}.conf`);
  writeFileSync(
    config,
    nginxProxyConfig(dir, name, workers, options.ports, options.upstreams, options.certificate),
  );
  const started = startProcess(
    name,
    options.nginx,
    ["-p", dir, "-c", config, "-e", join(dir, `${name}.log`)],
    {
      logFile: join(dir, `${name}.out`),
    },
  );
  await untilServing(started, options.ports.plain, "nginx");
  return {
    kind: "nginx",
    label: "NGINX",
    workers,
    workerNoun: "workers",
    ports: options.ports,
    pid: started.pid,
    stop: () => stopProcess(started),
  };
}
