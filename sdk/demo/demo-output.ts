// What the demo prints: a short table of live requests and the curl lines to repeat them by hand.
import type { DemoResult } from "./demo-checks";

export type Printer = (line: string) => void;

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

export function printResults(
  out: Printer,
  results: readonly DemoResult[],
  roundRobin: readonly { service: string; expected: string[]; seen: string[]; ok: boolean }[],
): void {
  const rows = results.map((r) => [
    r.ok ? "✔" : "✖",
    `${r.scheme}://${r.host}${r.path}`,
    r.status === null ? `error: ${r.error}` : String(r.status),
    r.replica ?? (r.location ? `→ ${r.location}` : "-"),
    r.certificate ? `${r.certificate}${r.trusted ? " (demo CA)" : " (fallback, untrusted)"}` : "-",
    r.shows,
  ]);
  const header = ["", "request", "status", "served by", "TLS certificate", "shows"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  out("");
  out(
    header
      .map((h, i) => pad(h, widths[i]!))
      .join("  ")
      .trimEnd(),
  );
  for (const row of rows) {
    out(
      row
        .map((cell, i) => pad(cell, widths[i]!))
        .join("  ")
        .trimEnd(),
    );
  }
  for (const check of roundRobin) {
    out(
      `${check.ok ? "✔" : "✖"} round robin on ${check.service}: answered by ${check.seen.join(", ") || "nobody"} (replicas: ${check.expected.join(", ")})`,
    );
  }
  out("");
}

export function printCurlLines(
  out: Printer,
  target: { httpPort: number; httpsPort: number; caFile: string; hosts: string[] },
): void {
  out("Try it yourself:");
  for (const host of target.hosts) {
    out(
      `  curl --cacert ${target.caFile} --resolve ${host}:${target.httpsPort}:127.0.0.1 https://${host}:${target.httpsPort}/`,
    );
  }
  out(`  curl -i -H 'Host: unknown.example.org' http://127.0.0.1:${target.httpPort}/`);
  out("");
}
