// The programs the benchmark runs but never installs: nginx, haproxy and wrk, found on PATH (and in /usr/sbin,
// where Debian puts nginx and haproxy), with their versions for the report.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";

export interface Tools {
  /** Absolute paths, or null when missing. */
  readonly nginx: string | null;
  readonly haproxy: string | null;
  readonly wrk: string | null;
  readonly versions: { readonly nginx: string; readonly haproxy: string; readonly wrk: string };
}

export const INSTALL_HINT = "sudo apt-get install -y nginx-light haproxy wrk";

function find(command: string): string | null {
  const folders = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin"];
  for (const folder of folders) {
    if (folder === "") continue;
    const path = join(folder, command);
    if (existsSync(path)) return path;
  }
  return null;
}

function versionOf(path: string | null, args: string[], pattern: RegExp): string {
  if (path === null) return "missing";
  const out = spawnSync(path, args, { encoding: "utf8", timeout: 5_000 });
  return pattern.exec(`${out.stdout ?? ""}${out.stderr ?? ""}`)?.[1] ?? "unknown version";
}

export function findTools(): Tools {
  const nginx = find("nginx");
  const haproxy = find("haproxy");
  const wrk = find("wrk");
  return {
    nginx,
    haproxy,
    wrk,
    versions: {
      nginx: versionOf(nginx, ["-v"], /nginx\/(\S+)/),
      haproxy: versionOf(haproxy, ["-v"], /version (\S+)/),
      wrk: versionOf(wrk, ["--version"], /wrk (\S+)/),
    },
  };
}

/** A line for the user when something is missing, or null. */
export function missingToolsMessage(tools: Tools): string | null {
  const missing = (["nginx", "haproxy", "wrk"] as const).filter((name) => tools[name] === null);
  if (missing.length === 0) return null;
  const consequence = [
    tools.wrk === null && "wrk drives the load: without it nothing can be measured",
    tools.nginx === null &&
      "without nginx there are no NGINX rows (so no ratios) and the upstreams run in Node",
    tools.haproxy === null && "without haproxy there are no HAProxy rows",
  ].filter(Boolean);
  return (
    `Missing ${missing.join(", ")} (the benchmark installs nothing). On Debian or Ubuntu: \`${INSTALL_HINT}\`. ` +
    `${consequence.join("; ")}.`
  );
}
