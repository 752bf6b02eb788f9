// The command line of `npm run bench:proxy -- [flags]`.
import { parseArgs } from "node:util";
import { PROXY_KINDS, type ProxyKind } from "./proxy-under-test";
import { BODY_SIZES, type BodySize } from "./routes";
import { CLIENT_KINDS, type ClientKind } from "./wrk";

export type Transport = "plain" | "tls";
export const TRANSPORTS: readonly Transport[] = ["plain", "tls"];

export const USAGE = `Usage: npm run bench:proxy -- [flags]

The bundled controller beside NGINX and HAProxy on 127.0.0.1, same routes and upstreams, load from wrk.

Flags:
  --duration SECS       measured seconds per row (default 4)
  --warmup SECS         unmeasured wrk run before each row (default 1; 0 for none)
  --connections N       wrk connections (default 64)
  --threads N           wrk threads (default 1: on 2 cores the other core is left to the proxy)
  --timeout SECS        wrk's per-request timeout; slower answers count as timeout errors (default 5)
  --workers LIST        worker processes (NGINX, controller) / threads (HAProxy) per row (default 1,2)
  --only LIST           transports: plain,tls (default both)
  --bodies LIST         response bodies: small,16k (default both)
  --clients LIST        keepalive (reused connections), new (Connection: close) (default both)
  --proxies LIST        nginx,haproxy,controller,controller-node (default all available; controller-node is
                        the controller with --http-engine node, when its --help lists that flag)
  --ingresses N         second mode: the controller with N generated Ingresses (memory, change latency,
                        requests/s against the small table)
  --changes N           changes timed in the second mode (default 5)
  --json                print the results as JSON instead of markdown (progress goes to stderr;
                        "npm run -s bench:proxy -- --json" keeps npm's banner out of stdout)
  --help                this text`;

export interface Options {
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly threads: number;
  readonly timeoutSeconds: number;
  readonly workers: readonly number[];
  readonly transports: readonly Transport[];
  readonly bodies: readonly BodySize[];
  readonly clients: readonly ClientKind[];
  readonly proxies: readonly ProxyKind[];
  /** The second mode when set. */
  readonly ingresses: number | null;
  readonly changes: number;
  readonly json: boolean;
}

export class OptionsError extends Error {}

function number(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new OptionsError(`--${flag} "${value}": use a number from ${min} to ${max}`);
  }
  return n;
}

function list<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): readonly T[] {
  if (value === undefined) return allowed;
  const items = value
    .split(",")
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
  const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
  if (items.length === 0 || unknown.length > 0) {
    throw new OptionsError(`--${flag} "${value}": use a comma-separated list of ${allowed.join(", ")}`);
  }
  return allowed.filter((item) => items.includes(item)); // in the canonical order, once each
}

/** null for --help; throws OptionsError. */
export function parseOptions(argv: readonly string[]): Options | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        duration: { type: "string" },
        warmup: { type: "string" },
        connections: { type: "string" },
        threads: { type: "string" },
        timeout: { type: "string" },
        workers: { type: "string" },
        only: { type: "string" },
        bodies: { type: "string" },
        clients: { type: "string" },
        proxies: { type: "string" },
        ingresses: { type: "string" },
        changes: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  if (values.help) return null;
  const workers = (values.workers ?? "1,2")
    .split(",")
    .map((w) => Math.round(number("workers", w.trim(), 1, 1, 64)));
  const ingresses =
    values.ingresses === undefined ? null : Math.round(number("ingresses", values.ingresses, 0, 1, 1e6));
  return {
    seconds: number("duration", values.duration, 4, 1, 600),
    warmupSeconds: number("warmup", values.warmup, 1, 0, 60),
    connections: Math.round(number("connections", values.connections, 64, 1, 10_000)),
    threads: Math.round(number("threads", values.threads, 1, 1, 64)),
    timeoutSeconds: number("timeout", values.timeout, 5, 1, 60),
    workers: [...new Set(workers)],
    transports: list("only", values.only, TRANSPORTS),
    bodies: list("bodies", values.bodies, BODY_SIZES),
    clients: list("clients", values.clients, CLIENT_KINDS),
    proxies: list("proxies", values.proxies, PROXY_KINDS),
    ingresses,
    changes: Math.round(number("changes", values.changes, 5, 1, 100)),
    json: values.json ?? false,
  };
}
