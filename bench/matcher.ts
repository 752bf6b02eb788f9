// npm run bench:matcher — compile time, match time per request (median and p99, hits and misses, wildcard
// hosts included) and findConflicts time, for 100 to 100,000 routes spread over many hosts.
// Per-request times are taken one request at a time with the timer's own cost subtracted, and each figure is
// also given as a ratio to a bare Map.get of the Host header measured in the same run (the floor any host
// lookup pays), because these machines are shared and noisy.
import { compileRoutes, findConflicts, type IngressObject } from "../sdk/matcher";

const SIZES = (process.env.BENCH_SIZES ?? "100,1000,10000,100000").split(",").map(Number);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200_000);
const PATHS_PER_HOST = 10;

function generate(routes: number): {
  ingresses: IngressObject[];
  hits: [string, string][];
  misses: [string, string][];
} {
  const hosts = Math.max(1, Math.floor(routes / PATHS_PER_HOST));
  const ingresses: IngressObject[] = [];
  const hits: [string, string][] = [];
  const misses: [string, string][] = [];
  for (let h = 0; h < hosts; h++) {
    // Every tenth host is a wildcard, so wildcard lookups are part of the mix.
    const wildcard = h % 10 === 9;
    const host = wildcard ? `*.tenant-${h}.example.com` : `app-${h}.example.com`;
    const requestHost = wildcard ? `shop.tenant-${h}.example.com` : host;
    const paths = Array.from({ length: PATHS_PER_HOST }, (_, p) => ({
      path: p === 0 ? "/" : `/svc-${p}/v${p % 3}`,
      pathType: p % 4 === 3 ? "Exact" : "Prefix",
      backend: { service: { name: `svc-${h}-${p}`, port: { number: 8080 } } },
    }));
    ingresses.push({
      kind: "Ingress",
      metadata: {
        name: `ing-${h}`,
        namespace: `ns-${h % 50}`,
        creationTimestamp: new Date(1_700_000_000_000 + h * 1000).toISOString(),
      },
      spec: { rules: [{ host, http: { paths } }], tls: [{ hosts: [host], secretName: `tls-${h}` }] },
    });
    hits.push([requestHost, `/svc-${1 + (h % 9)}/v${(1 + (h % 9)) % 3}/items/42?x=1`]);
    misses.push([`unknown-${h}.example.org`, `/svc-1/v1`]);
  }
  return { ingresses, hits, misses };
}

function timerOverhead(): number {
  const samples: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    const t0 = process.hrtime.bigint();
    samples.push(Number(process.hrtime.bigint() - t0));
  }
  return percentile(samples, 0.5);
}

function percentile(samples: number[], q: number): number {
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

// Medians come from batches of BATCH requests (the timer costs as much as a lookup, so one-at-a-time medians
// are mostly timer noise); p99 comes from requests timed one at a time with the timer's own cost subtracted.
const BATCH = 64;

function timeEach(
  requests: [string, string][],
  run: (host: string, path: string) => unknown,
  overhead: number,
) {
  let sink = 0;
  const batches = new Array<number>(Math.floor(REQUESTS / BATCH));
  for (let b = 0; b < batches.length; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) {
      const [host, path] = requests[(b * BATCH + i) % requests.length]!;
      if (run(host, path)) sink++;
    }
    batches[b] = Number(process.hrtime.bigint() - t0) / BATCH;
  }
  const samples = new Array<number>(REQUESTS);
  for (let i = 0; i < REQUESTS; i++) {
    const [host, path] = requests[i % requests.length]!;
    const t0 = process.hrtime.bigint();
    run(host, path);
    samples[i] = Math.max(0, Number(process.hrtime.bigint() - t0) - overhead);
  }
  return {
    median: Math.round(percentile(batches, 0.5)),
    p99: percentile(samples, 0.99),
    sink: (sink / (batches.length * BATCH)) * REQUESTS,
  };
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const overhead = timerOverhead();
console.log(`ingress-kit matcher benchmark · node ${process.version} · ${new Date().toISOString()}`);
console.log(
  `timer overhead ${overhead} ns subtracted from each sample; ${REQUESTS.toLocaleString()} timed requests per column\n`,
);
const header = [
  "routes",
  "hosts",
  "compile ms",
  "findConflicts ms",
  "hit median ns",
  "hit p99 ns",
  "miss median ns",
  "miss p99 ns",
  "Map.get median ns",
  "hit/Map.get",
];
console.log(header.join(" | "));
console.log(header.map(() => "---").join(" | "));
for (const size of SIZES) {
  const { ingresses, hits, misses } = generate(size);
  global.gc?.();
  let start = process.hrtime.bigint();
  const table = compileRoutes(ingresses);
  const compileMs = ms(start);
  start = process.hrtime.bigint();
  const conflicts = findConflicts(ingresses);
  const conflictsMs = ms(start);
  if (conflicts.length !== 0) {
    throw new Error(`generated routes should not conflict: ${conflicts[0]!.message}`);
  }
  // Warm up the JIT on both paths before timing.
  for (let i = 0; i < 50_000; i++) {
    table.match(...hits[i % hits.length]!);
    table.match(...misses[i % misses.length]!);
  }
  const hostMap = new Map(hits.map(([host]) => [host, host]));
  const baseline = timeEach(hits, (host) => hostMap.get(host), overhead);
  const hit = timeEach(hits, (host, path) => table.match(host, path), overhead);
  const miss = timeEach(misses, (host, path) => table.match(host, path), overhead);
  if (hit.sink !== REQUESTS) throw new Error("every hit request should match");
  const ratio = baseline.median > 0 ? (hit.median / baseline.median).toFixed(1) + "x" : "n/a";
  console.log(
    [
      size,
      hits.length,
      compileMs.toFixed(1),
      conflictsMs.toFixed(1),
      hit.median,
      hit.p99,
      miss.median,
      miss.p99,
      baseline.median,
      ratio,
    ].join(" | "),
  );
}
