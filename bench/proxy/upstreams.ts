// The two upstream endpoints every proxy forwards to: a separate NGINX with one worker (one `server` block per
// endpoint), or, when nginx is missing, two node:http servers inside the benchmark process. Same answers either
// way (routes.ts).
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { freePort, pollUntil } from "./http-client";
import { nginxCommonHttp, nginxMain } from "./nginx";
import { logTail, startProcess, stopProcess } from "./processes";
import {
  BIG_PATH,
  bigBody,
  smallBody,
  UPSTREAM_ADDRESSES,
  upstreamName,
  writeBigBodies,
  type Endpoint,
} from "./routes";

export interface Upstreams {
  readonly endpoints: readonly Endpoint[];
  /** Who serves them, for the report. */
  readonly description: string;
  close(): Promise<void>;
}

function nginxUpstreamConfig(dir: string, endpoints: readonly Endpoint[], staticDir: string): string {
  const servers = endpoints.map(
    ({ address, port }, i) => `  server {
    listen ${address}:${port} backlog=4096;
    default_type text/plain;
    location = ${BIG_PATH} { alias ${staticDir}/big-${i + 1}.txt; }
    location / { return 200 "${upstreamName(i)}\\n"; }
  }`,
  );
  return `${nginxMain(dir, "upstream", 1)}
http {
${nginxCommonHttp(dir)}
${servers.join("\n")}
}
`;
}

async function startNginxUpstreams(nginx: string, dir: string): Promise<Upstreams> {
  const port = await freePort(UPSTREAM_ADDRESSES);
  const endpoints = UPSTREAM_ADDRESSES.map((address) => ({ address, port }));
  const config = join(dir, "upstream.conf");
  writeFileSync(config, nginxUpstreamConfig(dir, endpoints, writeBigBodies(dir)));
  const started = startProcess(
    "upstream nginx",
    nginx,
    ["-p", dir, "-c", config, "-e", join(dir, "upstream.log")],
    { logFile: join(dir, "upstream.out") },
  );
  try {
    await pollUntil({ port, tls: false, host: "upstream", path: "/" }, (r) => r.status === 200, {
      intervalMs: 50,
      timeoutMs: 10_000,
      abort: () => (started.child.exitCode !== null ? `upstream nginx exited: ${logTail(started)}` : null),
    });
  } catch (error) {
    await stopProcess(started);
    throw error;
  }
  return { endpoints, description: "NGINX, 1 worker", close: () => stopProcess(started) };
}

async function startNodeUpstreams(): Promise<Upstreams> {
  const port = await freePort(UPSTREAM_ADDRESSES);
  const servers = await Promise.all(
    UPSTREAM_ADDRESSES.map(async (address, i) => {
      const small = Buffer.from(smallBody(i));
      const big = bigBody(i);
      const server = http.createServer((req, res) => {
        const body = req.url === BIG_PATH ? big : small;
        res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
        res.end(body);
      });
      server.keepAliveTimeout = 65_000;
      server.listen(port, address);
      await once(server, "listening");
      return server;
    }),
  );
  return {
    endpoints: UPSTREAM_ADDRESSES.map((address) => ({ address, port })),
    description: "node:http in the benchmark process (nginx missing)",
    close: async () => {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

export function startUpstreams(nginx: string | null, dir: string): Promise<Upstreams> {
  return nginx === null ? startNodeUpstreams() : startNginxUpstreams(nginx, dir);
}
