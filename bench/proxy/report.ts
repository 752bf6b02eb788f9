// The results as markdown tables (the default) or JSON (`--json`).
import type { LargeTable } from "./large-table";
import { formatLoad, type Machine } from "./machine";
import type { Options } from "./options";
import type { ProcessMemory } from "./proc-status";
import { BIG_BYTES, LOAD_HOST, smallBody } from "./routes";
import type { Row, SideBySide } from "./side-by-side";

export interface RunContext {
  readonly machine: Machine;
  readonly loadAtStart: readonly number[];
  readonly loadAtEnd: readonly number[];
  readonly versions: {
    readonly nginx: string;
    readonly haproxy: string;
    readonly wrk: string;
    readonly controller: string;
  };
  readonly upstreams: string;
  readonly options: Options;
  /** Notes for the reader: missing tools, flags not offered. */
  readonly notes: readonly string[];
}

const fixed = (n: number | null | undefined, digits = 2): string =>
  n === null || n === undefined || !Number.isFinite(n) ? "n/a" : n.toFixed(digits);
const thousands = (n: number): string =>
  Number.isFinite(n) ? Math.round(n).toLocaleString("en-US").replaceAll(",", " ") : "n/a";
const ratio = (n: number | null | undefined): string =>
  n === null || n === undefined ? "n/a" : `${fixed(n)}x`;

function table(head: readonly string[], align: readonly ("l" | "r")[], rows: readonly string[][]): string {
  const lines = [
    `| ${head.join(" | ")} |`,
    `|${align.map((a) => (a === "r" ? "---:" : "---")).join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
  return lines.join("\n");
}

function header(context: RunContext, title: string): string {
  const { machine, options } = context;
  return [
    `## ${title}, ${machine.date.slice(0, 16).replace("T", " ")} UTC`,
    "",
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.kernel}; Node ${machine.node}; ` +
      `load average (1/5/15 min) ${formatLoad(context.loadAtStart)} at the start, ${formatLoad(context.loadAtEnd)} at the end.`,
    `- Load: wrk ${context.versions.wrk}, ${options.threads} thread${options.threads === 1 ? "" : "s"}, ` +
      `${options.connections} connections, ${options.seconds} s per row after a ${options.warmupSeconds} s warm-up, ` +
      `timeout ${options.timeoutSeconds} s (slower answers count as errors).`,
    `- Upstreams: two endpoints (${context.upstreams}) on 127.0.0.1 and 127.0.0.2, round robin.`,
    ...context.notes.map((note) => `- Note: ${note}`),
  ].join("\n");
}

function memoryCell(memory: readonly ProcessMemory[]): string {
  if (memory.length === 0) return "n/a";
  const total = memory.reduce((sum, m) => sum + m.rssMb, 0);
  return memory.length === 1
    ? `${fixed(total, 0)} MB`
    : `${fixed(total, 0)} MB (${memory.map((m) => fixed(m.rssMb, 0)).join(" + ")})`;
}

const workerCell = (row: Pick<Row, "workers" | "workerNoun">): string =>
  `${row.workers} ${row.workers === 1 ? row.workerNoun.slice(0, -1) : row.workerNoun}`;

/** The controller (default engine, 2 workers) against the target: at least 0.6x NGINX's requests/s, at most 1.5x its p99. */
function targetLine(rows: readonly Row[]): string[] {
  const checked = rows.flatMap((row) =>
    row.kind === "controller" && row.workers === 2 && row.vsNginx !== null
      ? [{ row, ratios: row.vsNginx }]
      : [],
  );
  if (checked.length === 0) return [];
  const met = (entry: (typeof checked)[number]): boolean =>
    entry.ratios.requestsPerSecond >= 0.6 && entry.ratios.p99 <= 1.5 && entry.row.errors === "";
  const cells = checked.map(
    (entry) =>
      `${entry.row.transport} ${entry.row.body} ${entry.row.client} ${fixed(entry.ratios.requestsPerSecond)}x/` +
      `${fixed(entry.ratios.p99)}x${met(entry) ? "" : " (not met)"}`,
  );
  return [
    "",
    "Target (controller with 2 workers: at least 0.60x NGINX's requests/s and at most 1.50x its p99, no errors): " +
      `met in ${checked.filter(met).length} of ${checked.length} rows (requests/s and p99 ratios): ${cells.join("; ")}.`,
  ];
}

export function sideBySideMarkdown(context: RunContext, result: SideBySide): string {
  const { versions, options } = context;
  const intro = [
    header(context, "Proxies side by side"),
    `- Proxies: NGINX ${versions.nginx} (\`worker_processes\` ${options.workers.join(" and ")}; \`auto\` is ` +
      `${context.machine.cores} here), HAProxy ${versions.haproxy} (\`nbthread\` ${options.workers.join(" and ")}), ` +
      `controller = ${versions.controller} (\`--workers\` ${options.workers.join(" and ")}).`,
    `- Requests: GET http(s)://${LOAD_HOST}/ (small: a ${smallBody(0).length}-byte body) and /big (16k: ` +
      `${BIG_BYTES} bytes); keepalive = connections reused; new = \`Connection: close\`, a new TCP connection ` +
      "per request (over TLS: wrk negotiates TLS 1.2 and resumes its session when the server lets it). wrk's " +
      "latency runs from writing the request to the response: connection set-up shows in new-connection rows' " +
      "requests/s, not in their latency.",
    "- Ratios: against NGINX with the same worker count (1 vs 1, 2 vs 2; HAProxy's threads against NGINX's " +
      "workers), same transport, body and client, measured in this run seconds apart. The machine may be " +
      "shared: read ratios, not absolute figures, and rerun before quoting one.",
  ].join("\n");
  const rows = result.rows.map((row) => [
    row.transport,
    row.body,
    row.client,
    row.label,
    workerCell(row),
    row.result ? thousands(row.result.requestsPerSecond) : "not run",
    fixed(row.result?.p50Ms),
    fixed(row.result?.p99Ms),
    ratio(row.vsNginx?.requestsPerSecond),
    ratio(row.vsNginx?.p99),
    row.note !== "" ? row.note : row.errors === "" ? "" : `**${row.errors}**`,
  ]);
  const body = table(
    [
      "transport",
      "body",
      "client",
      "proxy",
      "workers",
      "requests/s",
      "p50 ms",
      "p99 ms",
      "req/s vs NGINX",
      "p99 vs NGINX",
      "errors",
    ],
    ["l", "l", "l", "l", "l", "r", "r", "r", "r", "r", "l"],
    rows,
  );
  const problems = result.problems.map((p) => `- ${p}`);
  const resumption =
    result.tlsResumption.length === 0
      ? []
      : [
          "",
          "TLS session resumption, whether each proxy resumes at all (wrk negotiates TLS 1.2 and offers its last " +
            "session on every new connection; here, connections opened at once offering one earlier session; " +
            "with several workers they may all reach one worker, so this does not show whether workers share " +
            "sessions): " +
            result.tlsResumption
              .map((r) => `${r.label} ×${r.workers} ${r.resumed}/${r.attempts}`)
              .join(", ") +
            ".",
        ];
  return [
    intro,
    "",
    body,
    ...targetLine(result.rows),
    ...resumption,
    ...(problems.length > 0 ? ["", "Problems:", ...problems] : []),
  ].join("\n");
}

export function largeTableMarkdown(context: RunContext, result: LargeTable): string {
  const intro = [
    header(context, `The controller with ${result.ingresses} Ingresses`),
    `- Controller: ${context.versions.controller}. Large table: ${result.ingresses} Ingresses (hosts ` +
      `app-<i>.example.com, Prefix paths / and /api), each with its own Service and EndpointSlice of the two ` +
      `endpoints, ${result.ingressesPerFile} Ingresses per file; small table: the 3 hosts of the first mode.`,
    "- Memory: VmRSS of the controller's processes (the primary, then its cluster workers), once ready and after " +
      "the load; peak is VmHWM summed. Requests: wrk, keep-alive, plain HTTP, small body, one host of the table.",
  ].join("\n");
  const runs = table(
    [
      "table",
      "workers",
      "ready ms",
      "first build ms",
      "RSS ready",
      "RSS after load",
      "peak RSS",
      "requests/s",
      "p50 ms",
      "p99 ms",
      "vs small table",
      "errors",
    ],
    ["l", "r", "r", "r", "l", "l", "r", "r", "r", "r", "r", "l"],
    result.runs.map((run) => [
      `${run.table} (${run.ingresses})`,
      String(run.workers),
      fixed(run.readyMs, 0),
      fixed(run.firstBuildMs, 1),
      memoryCell(run.memoryReady),
      memoryCell(run.memoryAfterLoad),
      `${fixed(
        run.memoryAfterLoad.reduce((sum, m) => sum + m.peakRssMb, 0),
        0,
      )} MB`,
      thousands(run.load.requestsPerSecond),
      fixed(run.load.p50Ms),
      fixed(run.load.p99Ms),
      ratio(run.vsSmallTable),
      run.errors === "" ? "" : `**${run.errors}**`,
    ]),
  );
  const median = (values: readonly number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length === 0
      ? NaN
      : (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2;
  };
  const changes = table(
    [
      "change",
      "settings",
      "workers",
      "served after (median)",
      "max",
      "all, ms",
      "snapshot compile (median)",
      "failures",
    ],
    ["l", "l", "r", "r", "r", "l", "r", "l"],
    result.changes.map((change) => [
      change.how,
      change.settings,
      String(change.workers),
      `${fixed(median(change.servedMs), 0)} ms`,
      `${fixed(Math.max(...change.servedMs), 0)} ms`,
      change.servedMs.map((ms) => fixed(ms, 0)).join(", "),
      `${fixed(median(change.buildMs), 1)} ms`,
      change.failures.join("; "),
    ]),
  );
  const notes = result.notes.map((note) => `Note: ${note}`);
  return [
    intro,
    "",
    runs,
    "",
    "A change: an Ingress for a new host written into the manifests, the host polled every 2 ms over a new " +
      "connection until it answers 200 instead of 404, timed from the write.",
    "",
    changes,
    ...(notes.length > 0 ? ["", ...notes] : []),
  ].join("\n");
}

export function toJson(
  context: RunContext,
  result: { sideBySide?: SideBySide; largeTable?: LargeTable },
): string {
  const finite = (_key: string, value: unknown): unknown =>
    typeof value === "number" && !Number.isFinite(value) ? null : value;
  return JSON.stringify({ ...context, ...result }, finite, 2);
}
