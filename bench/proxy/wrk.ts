// Load from wrk, and its summary parsed: requests/s, p50 and p99 (from the `--latency` distribution), errors.
// The URL names the benchmark host itself (so wrk sends it as Host and, over TLS, as the SNI name, and each
// proxy picks its certificate as for a real client); a small Lua script resolves every host to 127.0.0.1. The
// new-connection client is wrk with `Connection: close`: one request per connection, so a TCP handshake per
// request and, over TLS, a TLS 1.2 handshake offering wrk's previous session (an abbreviated one when the server
// resumes it).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startProcess, waitForExit } from "./processes";

export type ClientKind = "keepalive" | "new";
export const CLIENT_KINDS: readonly ClientKind[] = ["keepalive", "new"];

export interface LoadSettings {
  readonly wrk: string;
  readonly dir: string;
  readonly threads: number;
  readonly connections: number;
  /** Per-request timeout, s: a slower answer counts as a timeout error, not in the latency. */
  readonly timeoutSeconds: number;
}

export interface LoadTarget {
  readonly port: number;
  readonly tls: boolean;
  readonly host: string;
  readonly path: string;
  readonly client: ClientKind;
}

export interface WrkResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Bytes read per response, headers included: tells a 16 KiB body from an error page. */
  readonly bytesPerResponse: number;
  /** Status 400 and above. */
  readonly non2xx: number;
  readonly socketErrors: { connect: number; read: number; write: number; timeout: number };
  /** wrk's own output when it could not run or its output did not parse. */
  readonly failure: string | null;
}

const RESOLVE_SCRIPT = `-- Every host is 127.0.0.1: the URL's host is only for the Host header and the SNI name.
wrk.resolve = function(host, service)
  wrk.addrs = wrk.lookup("127.0.0.1", service)
end
`;

let runs = 0;

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const BYTES: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** Parses wrk's summary; exported for checking by hand. */
export function parseWrk(text: string): Omit<WrkResult, "failure"> | null {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const total = /(\d+) requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB|TB) read/.exec(text);
  if (!rps || !total) return null;
  const percentile = (label: string): number => {
    const match = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, "m").exec(text);
    return match ? Number(match[1]) * (UNIT_MS[match[2]!] ?? NaN) : NaN;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const requests = Number(total[1]);
  return {
    requestsPerSecond: Number(rps[1]),
    p50Ms: percentile("50"),
    p99Ms: percentile("99"),
    requests,
    bytesPerResponse: requests > 0 ? (Number(total[2]) * (BYTES[total[3]!] ?? NaN)) / requests : NaN,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0),
    socketErrors: {
      connect: Number(socket?.[1] ?? 0),
      read: Number(socket?.[2] ?? 0),
      write: Number(socket?.[3] ?? 0),
      timeout: Number(socket?.[4] ?? 0),
    },
  };
}

/** Runs wrk for `seconds` against `target`; never rejects for a bad run (see `failure`). */
export async function runWrk(
  settings: LoadSettings,
  target: LoadTarget,
  seconds: number,
): Promise<WrkResult> {
  const script = join(settings.dir, "resolve.lua");
  if (runs === 0) writeFileSync(script, RESOLVE_SCRIPT);
  const output = join(settings.dir, `wrk-${++runs}.out`);
  const url = `${target.tls ? "https" : "http"}://${target.host}:${target.port}${target.path}`;
  const args = [
    `--threads=${settings.threads}`,
    `--connections=${settings.connections}`,
    `--duration=${seconds}s`,
    `--timeout=${settings.timeoutSeconds}s`,
    "--latency",
    `--script=${script}`,
    ...(target.client === "new" ? ["--header=Connection: close"] : []),
    url,
  ];
  const started = startProcess("wrk", settings.wrk, args, { logFile: output });
  const code = await waitForExit(started);
  const text = readFileSync(output, "utf8");
  const parsed = parseWrk(text);
  if (code !== 0 || parsed === null) {
    const empty = { connect: 0, read: 0, write: 0, timeout: 0 };
    return {
      requestsPerSecond: NaN,
      p50Ms: NaN,
      p99Ms: NaN,
      requests: 0,
      bytesPerResponse: NaN,
      non2xx: 0,
      socketErrors: parsed?.socketErrors ?? empty,
      failure: `wrk exited ${code}: ${text.trim().split("\n").slice(-3).join(" / ")}`,
    };
  }
  return { ...parsed, failure: null };
}

/** A short description of a result's errors, or "" when there were none. */
export function errorSummary(result: WrkResult): string {
  if (result.failure !== null) return result.failure;
  const parts: string[] = [];
  if (result.non2xx > 0) parts.push(`${result.non2xx} non-2xx`);
  for (const [kind, count] of Object.entries(result.socketErrors)) {
    if (count > 0) parts.push(`${count} ${kind}`);
  }
  return parts.join(", ");
}
