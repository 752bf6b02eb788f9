// The CPU a container may use, from its cgroup's CFS quota: a pod limited to 2 CPUs on a 64-core node should run 2
// workers, not 64 (os.availableParallelism() counts the cores the process may be scheduled on, not its quota).
// ingress-nginx sizes `worker-processes: auto` the same way.
import { readFileSync } from "node:fs";

/** Reads a file's text, or null when it does not exist or cannot be read. */
export type FileReader = (path: string) => string | null;

const readIfPresent: FileReader = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

/**
 * The quota in whole CPUs, rounded up (1.5 CPUs: 2), or null when there is none: cgroup v2's `cpu.max`
 * ("max 100000" is no quota, "150000 100000" is 1.5 CPUs), else cgroup v1's `cpu.cfs_quota_us` (-1 is none)
 * over `cpu.cfs_period_us`.
 */
export function cpuQuotaCores(read: FileReader = readIfPresent): number | null {
  const v2 = read("/sys/fs/cgroup/cpu.max");
  if (v2 !== null) {
    const [quota, period] = v2.trim().split(/\s+/);
    return cores(quota, period);
  }
  return cores(
    read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")?.trim(),
    read("/sys/fs/cgroup/cpu/cpu.cfs_period_us")?.trim(),
  );
}

function cores(quota: string | undefined, period: string | undefined): number | null {
  if (quota === undefined || period === undefined || quota === "max") return null;
  const q = Number(quota);
  const p = Number(period);
  if (!Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0) return null;
  return Math.max(1, Math.ceil(q / p));
}
